package dev.j4l.adversary;

import dev.j4l.fuse.BackingId;
import dev.j4l.fuse.Opened;
import java.lang.reflect.Proxy;

/**
 * A BackingId names a backing file the kernel registered for this connection; a driver that can make up its
 * own can answer an open with any id number — another open's backing file. After the fix BackingId is sealed,
 * so no class outside the framework implements it; {@link Proxy} is the way left to try.
 *
 * <p>Refused: Proxy.newProxyInstance throws (IllegalArgumentException for a sealed interface). Break: a forged
 * BackingId exists (and Opened.passthrough accepts it).
 */
final class ForgedBackingId implements Attack {
    @Override
    public String name() {
        return "forged-backing-id";
    }

    @Override
    public Verdict run() {
        Findings findings = new Findings();
        findings.expectRefusalExplained("Proxy implementing BackingId", () -> {
            BackingId forged = (BackingId) Proxy.newProxyInstance(BackingId.class.getClassLoader(),
                    new Class<?>[] {BackingId.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "isOpen" -> true;
                        case "hashCode" -> 1;
                        case "equals" -> proxy == args[0];
                        case "toString" -> "forged backing id 1";
                        default -> null;
                    });
            Opened<Object> opened = Opened.passthrough(new Object(), forged);
            return "made a BackingId (open: " + forged.isOpen() + ") and Opened.passthrough accepted it: "
                    + opened.backing();
        });
        return findings.verdict();
    }
}

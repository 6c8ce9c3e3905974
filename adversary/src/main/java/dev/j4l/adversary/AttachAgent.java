package dev.j4l.adversary;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The attach door: pure Java can start {@code jcmd} against its own JVM and ask it to load a native agent
 * ({@code JVMTI.agent_load}), which runs native code inside the process with no quarantine at all. Every JVM
 * j4l starts runs with {@code -XX:+DisableAttachMechanism}, so the JVM does not listen for attach requests.
 *
 * <p>Refused: jcmd cannot reach this JVM (it fails, or times out). Break: jcmd gets an answer from it.
 */
final class AttachAgent implements Attack {
    @Override
    public String name() {
        return "attach-agent";
    }

    @Override
    public Verdict run() throws Exception {
        Findings findings = new Findings();
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        long pid = ProcessHandle.current().pid();
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "VM.version")
                .redirectErrorStream(true).start();
        boolean ended = p.waitFor(20, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readNBytes(4096));
        if (!ended) {
            p.destroyForcibly();
            findings.heldBack("jcmd VM.version on this JVM: no answer in 20 s");
        } else if (p.exitValue() != 0 || !out.contains("JDK")) {
            findings.heldBack("jcmd VM.version on this JVM: exit " + p.exitValue() + ": "
                    + out.strip().lines().findFirst().orElse(""));
        } else {
            findings.broken("jcmd reached this JVM (so JVMTI.agent_load could load native code): " + out.strip());
        }
        return findings.verdict();
    }
}

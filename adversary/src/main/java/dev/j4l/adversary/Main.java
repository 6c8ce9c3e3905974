package dev.j4l.adversary;

/**
 * Runs one attack by name and reports it as one line on standard output; the exit code is 0 when the attack
 * was refused (or skipped), 1 when it broke through, 2 when it could not be run. Started by the test in a JVM
 * of its own, with the launcher's quarantine flags.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: Main ATTACK   (one of " + Attacks.names() + ")");
            System.exit(2);
        }
        Attack attack = Attacks.named(args[0]);
        if (attack == null) {
            System.err.println("no attack named '" + args[0] + "' (known: " + Attacks.names() + ")");
            System.exit(2);
        }
        Verdict verdict;
        if (attack.needsRoot() && !ProcSelf.isRoot()) {
            verdict = new Verdict.Skipped("needs root");
        } else {
            try {
                verdict = attack.run();
            } catch (Throwable t) {
                System.out.println("FAILED " + attack.name() + ": could not run the attack: " + t);
                t.printStackTrace();
                System.out.flush();
                System.exit(2);
                return;
            }
        }
        System.out.println(verdict.line(attack.name()));
        System.out.flush();
        System.exit(verdict.exitCode());
    }
}

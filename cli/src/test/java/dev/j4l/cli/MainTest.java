package dev.j4l.cli;

import static dev.j4l.cli.J4lRun.j4l;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What every {@code j4l} command shares: help, version, usage errors, shell completion. */
class MainTest {
    /** Every command and sub-command, as its words after j4l ("mount memfs"). */
    private static List<String> commands(CommandLine c, String prefix, List<String> into) {
        c.getSubcommands().forEach((name, sub) -> {
            if (name.equals("help")) return;
            into.add(prefix + name);
            commands(sub, prefix + name + " ", into);
        });
        return into;
    }

    @Test
    void everyCommandHasTheSameHelpFourWays() {
        List<String> all = commands(Main.commands(), "", new ArrayList<>());
        assertTrue(all.containsAll(List.of("mount memfs", "block cow commit", "gpio watch", "i2c set", "completion")), all.toString());
        J4lRun top = j4l("--help");
        assertEquals(0, top.status());
        assertTrue(top.out().startsWith("usage: j4l ") && top.out().contains("--verbose") && top.out().contains("--quiet"),
                top.out());
        assertEquals(top, j4l("help"));
        assertEquals(top, j4l());
        // A command alone is all j4l reads the annotations of (they cost start-up time).
        assertEquals(List.of("mount"), List.copyOf(Main.commands("-v", "mount", "hello", "/mnt").getSubcommands().keySet()));
        for (String command : all) {
            String[] words = command.split(" ");
            String[] withHelp = new String[words.length + 1];
            System.arraycopy(words, 0, withHelp, 0, words.length);
            withHelp[words.length] = "--help";
            J4lRun help = j4l(withHelp);
            assertEquals(0, help.status(), command);
            assertTrue(help.out().startsWith("usage: j4l " + command + " "), help.out());
            assertTrue(top.out().contains("\n  " + words[0] + " "), "j4l --help lists " + words[0]);
            if (words.length == 1) assertEquals(help, j4l("help", command));
        }
        assertEquals(j4l("mount", "memfs", "--help"), j4l("mount", "memfs", "/mnt", "-h"));
    }

    @Test
    void versionIsTheBuildsVersion() {
        J4lRun v = j4l("--version");
        assertEquals(0, v.status());
        assertTrue(v.out().matches("j4l \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\n"), v.out());
    }

    @Test
    void usageErrorsAreOneLineWithExitStatusTwo() {
        for (String[] args : new String[][] {{"bogus"}, {"--bogus"}, {"probe", "--jsn"}, {"mount"}, {"mount", "hello"},
                {"mount", "memfs", "--workers", "many", "/mnt"}, {"completion", "fish"}}) {
            J4lRun r = j4l(args);
            assertEquals(2, r.status(), String.join(" ", args));
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("j4l") && r.err().contains(" (try j4l") && !r.err().contains("Exception"), r.err());
            assertEquals("", r.out());
        }
        assertEquals("j4l probe: Unknown option: '--jsn' (try j4l probe --help)\n", j4l("probe", "--jsn").err());
        assertEquals("j4l mount: Missing required subcommand (try j4l mount --help)\n", j4l("mount").err());
    }

    @Test
    void aFailingCommandSaysWhatFailedWithExitStatusOne(@TempDir Path dir) {
        J4lRun r = j4l("mount", "memfs", dir.resolve("missing").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("j4l mount: mountpoint ") && r.err().contains("does not exist"), r.err());
    }

    @Test
    void bashCompletionCompletesCommandsAndOptions(@TempDir Path dir) throws Exception {
        J4lRun r = j4l("completion", "bash");
        assertEquals(0, r.status(), r.err());
        Path script = Files.writeString(dir.resolve("j4l-completion.bash"), r.out());
        assertEquals("", bash("bash", "-n", script.toString()));
        // The function complete(1) names for j4l, called as bash calls it on Tab after the words given.
        String complete = """
                source "$1" 2>/dev/null
                f=$(complete -p j4l | sed 's/.* -F \\([^ ]*\\) .*/\\1/')
                shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
                "$f" 2>/dev/null; printf '%s\\n' "${COMPREPLY[@]}"
                """;
        assertEquals("mount", bash("bash", "-c", complete, "bash", script.toString(), "j4l", "mou").strip());
        assertEquals("--page-cache", bash("bash", "-c", complete, "bash", script.toString(), "j4l", "mount", "memfs",
                "--pa").strip());
        assertTrue(bash("bash", "-c", complete, "bash", script.toString(), "j4l", "gpio", "").lines().toList()
                .containsAll(List.of("info", "get", "set", "watch")));
    }

    /** Runs {@code cmd}; its standard output, after checking it exited 0. */
    private static String bash(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}

package dev.j4l.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Counters redrawn in place on a terminal, appended elsewhere. */
class LiveViewTest {
    private static String shown(boolean terminal, String... blocks) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LiveView view = new LiveView(new PrintStream(bytes, true, StandardCharsets.UTF_8), terminal);
        for (String b : blocks) view.show(b);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void onATerminalEachBlockReplacesTheOneBefore() {
        assertEquals("a 1\nb 2\n\u001b[2F\u001b[Ja 3\nb 4\nc 5\n\u001b[3F\u001b[Jdone\n",
                shown(true, "a 1\nb 2", "a 3\nb 4\nc 5\n", "done"));
    }

    @Test
    void elsewhereBlocksAreAppendedWithoutEscapes() {
        assertEquals("a 1\nb 2\n\na 3\n\n", shown(false, "a 1\nb 2", "a 3\n"));
    }
}

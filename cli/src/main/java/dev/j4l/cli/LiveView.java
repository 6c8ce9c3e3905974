package dev.j4l.cli;

import java.io.PrintStream;

/**
 * A block of text shown again and again (counters every few seconds). On a terminal each block replaces the one
 * before it in place; anywhere else (a file, a pipe, a log) blocks are appended, separated by a blank line, so
 * nothing written is lost and no escape codes end up in the file.
 */
final class LiveView {
    private final PrintStream out;
    private final boolean terminal;
    /** Lines the last block took on the terminal, to move back over. */
    private int shown;

    LiveView(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** A view on standard output, redrawn in place when that is a terminal. */
    static LiveView onStandardOutput() {
        return new LiveView(System.out, System.console() != null && System.console().isTerminal());
    }

    void show(String block) {
        String text = block.endsWith("\n") ? block : block + "\n";
        if (terminal) {
            // ESC[nF: to the start of the line n lines up; ESC[J: clear from there to the end of the screen.
            if (shown > 0) out.print("\u001b[" + shown + "F\u001b[J");
            out.print(text);
            shown = (int) text.chars().filter(c -> c == '\n').count();
        } else {
            out.print(text);
            out.println();
        }
        out.flush();
    }
}

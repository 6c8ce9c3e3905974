/** The {@code j4l} command. */
module dev.j4l.cli {
    requires dev.j4l.drivers;
    requires dev.j4l.hw;
    requires dev.j4l.input;
    requires java.logging;
    // j4l conform runs the test kit's POSIX suite against a mounted directory.
    requires dev.j4l.testkit;
    // The bench draws its PNG chart with java.awt in headless mode.
    requires java.desktop;
    // Arguments, help and completion: picocli reads the commands' annotations and sets their fields.
    requires info.picocli;
    opens dev.j4l.cli to info.picocli;
    opens dev.j4l.cli.bench to info.picocli;
}

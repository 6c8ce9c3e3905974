/**
 * The j4l test kit: what tests of j4l and of drivers built on it share. See {@link dev.j4l.testkit}.
 */
module dev.j4l.testkit {
    requires dev.j4l.kernel;
    requires transitive java.logging;
    requires transitive org.junit.jupiter.api;

    exports dev.j4l.testkit;
    exports dev.j4l.testkit.posix;
}

/** The {@code j4l} command. */
module dev.j4l.cli {
    requires dev.j4l.drivers;
}

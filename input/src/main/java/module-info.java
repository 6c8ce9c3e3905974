/**
 * Virtual input devices through uinput, on {@code dev.j4l.kernel} only and without native access: a
 * {@link dev.j4l.input.VirtualInput} with the keys, relative and absolute axes it declares and optionally force
 * feedback served by a {@link dev.j4l.input.ForceFeedbackDriver}, and a {@link dev.j4l.input.VirtualKeyboard} that
 * types text on the US layout.
 */
module dev.j4l.input {
    requires transitive dev.j4l.kernel;
    exports dev.j4l.input;
}

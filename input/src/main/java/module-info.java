/**
 * Virtual input devices through uinput, on {@code dev.j4l.kernel} only and without native access: a
 * {@link dev.j4l.input.VirtualInput} with the keys and relative axes it declares, and a
 * {@link dev.j4l.input.VirtualKeyboard} that types text on the US layout.
 */
module dev.j4l.input {
    requires transitive dev.j4l.kernel;
    exports dev.j4l.input;
}

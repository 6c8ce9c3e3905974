package dev.j4l.fuse;

/**
 * The kernel's poll handle for one waiting poll: pass it to {@link FuseNotifier#pollWakeup} when the file
 * becomes ready.
 */
public record PollHandle(long kernelHandle) {}

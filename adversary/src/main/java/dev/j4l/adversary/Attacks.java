package dev.j4l.adversary;

import java.util.List;

/** Every attack, in the order the suite runs them. */
final class Attacks {
    private Attacks() {}

    static final List<Attack> ALL = List.of(
            new IoctlArbitraryPointer(),
            new SetsockoptBuffer(),
            new ReadvSwapRace(),
            new RecvmsgGcRace(),
            new FuseRingReach(),
            new AdoptOwnedFd(),
            new UnshareCloneFiles(),
            new SpawnMapRace(),
            new UnsafeAccess(),
            new RestrictedFfm(),
            new KeptFuseViews(KeptFuseViews.View.REQUEST),
            new KeptFuseViews(KeptFuseViews.View.DATA_SOURCE),
            new KeptFuseViews(KeptFuseViews.View.DATA_SINK),
            new KeptFuseViews(KeptFuseViews.View.FILLER),
            new KeptFuseViews(KeptFuseViews.View.DEFERRED_REQUEST),
            new KeptPathViews(),
            new KeptFrame(),
            new PooledByteBuffer(),
            new LeaseReleaseDuringRead(),
            new NativeMemoryLimit(),
            new ForgedBackingId(),
            new MessagesLeak(),
            new BufferBounds(),
            new CloseRace(),
            new PoolDoubleRelease(),
            new DirectoryReaderMisuse(),
            new ReflectInternals(),
            new MountFdOption(),
            new KernelKeepsReading(),
            new CommandSockets(),
            new AttachAgent(),
            new ForgedFileHandle(),
            new KeptBlockViews(KeptBlockViews.Transport.NBD, false),
            new KeptBlockViews(KeptBlockViews.Transport.NBD, true),
            new KeptBlockViews(KeptBlockViews.Transport.LOOP, false),
            new KeptBlockViews(KeptBlockViews.Transport.LOOP, true),
            new KeptBlockViews(KeptBlockViews.Transport.UBLK, false),
            new KeptBlockViews(KeptBlockViews.Transport.UBLK, true),
            new HwRngLentBuffer(),
            new RandomIoctlReach(),
            new UioRegisterReach(),
            new I2cMessageBounds(),
            new InputFeedbackMisuse(),
            new GpioReach(),
            new KeptCharDeviceViews(),
            new NbdSocketHandover());

    static Attack named(String name) {
        for (Attack a : ALL) if (a.name().equals(name)) return a;
        return null;
    }

    static List<String> names() {
        return ALL.stream().map(Attack::name).toList();
    }
}

package dev.j4l.kernel.net;

/**
 * A network interface as rtnetlink describes it.
 *
 * @param index  interface index
 * @param name   interface name
 * @param flags  IFF_* flags ({@link #up()} reads IFF_UP)
 * @param mtu    MTU in bytes (0 when not reported)
 * @param mac    hardware address as {@code aa:bb:cc:dd:ee:ff}, or empty
 * @param kind   link kind from IFLA_INFO_KIND ({@code veth}, {@code bridge}, {@code tun}), or empty
 * @param master index of the bridge or bond it is enslaved to, 0 if none
 */
public record LinkInfo(int index, String name, int flags, int mtu, String mac, String kind, int master) {
    public static final int IFF_UP = 0x1;
    public static final int IFF_RUNNING = 0x40;
    public static final int IFF_LOWER_UP = 0x10000;

    public boolean up() {
        return (flags & IFF_UP) != 0;
    }
}

package dev.j4l.drivers.netswitch;

/**
 * How a switch port is configured.
 *
 * @param name  TAP device name (created, or attached to when it exists)
 * @param vlan  0: VLAN-unaware (frames pass as they are, among unaware ports); 1..4094 with {@code trunk}
 *              false: access port of that VLAN (untagged on the wire)
 * @param trunk carries every VLAN tagged (802.1Q); untagged frames arriving on it are dropped
 */
public record PortSpec(String name, int vlan, boolean trunk) {
    public PortSpec {
        if (vlan < 0 || vlan > 4094) throw new IllegalArgumentException("VLAN id must be 1..4094, got " + vlan);
    }

    /**
     * Parses {@code NAME}, {@code NAME@VID} (access port) or {@code NAME@trunk}.
     */
    public static PortSpec parse(String s) {
        int at = s.indexOf('@');
        if (at < 0) return new PortSpec(s, 0, false);
        String name = s.substring(0, at), v = s.substring(at + 1);
        if (v.equals("trunk")) return new PortSpec(name, 0, true);
        try {
            int vid = Integer.parseInt(v);
            if (vid < 1) throw new NumberFormatException();
            return new PortSpec(name, vid, false);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port '" + s + "': expected NAME, NAME@VID (1..4094) or NAME@trunk");
        }
    }

    @Override
    public String toString() {
        return name + (trunk ? "@trunk" : vlan > 0 ? "@" + vlan : "");
    }
}

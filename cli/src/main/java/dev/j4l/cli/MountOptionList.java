package dev.j4l.cli;

import dev.j4l.fuse.MountOptions;
import dev.j4l.kernel.Credentials;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code -o opt,opt=value} options of {@code j4l mount}, as libfuse users and mount(8) know them: the one
 * place that knows their names. Each {@code -o} list is split at commas; an option is either one every driver
 * takes ({@link #USAGE}), one the driver declares (returned by {@link #driverArgs()} as the driver's own
 * {@code --long-option}s), or one mount(8) passes from fstab that means nothing to the daemon (ignored); any
 * other is an error naming it.
 *
 * @param options the options every driver takes, by name, in the order given (a later one wins)
 * @param driver the driver's own options, by name
 */
record MountOptionList(Map<String, String> options, Map<String, String> driver) {
    static final String USAGE = """
            -o OPT[,OPT...] (repeatable), as for libfuse filesystems:
              fsname=NAME          the mount's source in /proc/mounts
              subtype=NAME         shown as the type fuse.NAME
              allow_other          let every user in
              default_permissions  let the kernel check modes and owners
              ro, rw               read-only, read-write
              nodev, nosuid        the default: device nodes and set-user-ID bits mean
                                   nothing on the mount
              dev, suid            honour them (root only; say so explicitly)
              exec, noexec         allow or forbid running programs from the mount
              max_read=BYTES       largest read request the kernel sends
              entry_timeout=SECS   how long the kernel caches names
              attr_timeout=SECS    how long the kernel caches attributes
              plus each driver's own options (above); fstab's defaults, auto, noauto,
              user, nouser, users, nofail, _netdev, comment=... and x-... are
              accepted and ignored""";

    /** Options every driver takes: with a value (true) or a flag (false). */
    private static final Map<String, Boolean> COMMON = Map.ofEntries(Map.entry("fsname", true),
            Map.entry("subtype", true), Map.entry("allow_other", false), Map.entry("default_permissions", false),
            Map.entry("ro", false), Map.entry("rw", false), Map.entry("dev", false), Map.entry("nodev", false),
            Map.entry("suid", false), Map.entry("nosuid", false), Map.entry("exec", false),
            Map.entry("noexec", false), Map.entry("max_read", true), Map.entry("entry_timeout", true),
            Map.entry("attr_timeout", true));

    /** What mount(8) hands a helper from fstab or its own command line that is no business of the daemon. */
    private static final Set<String> MOUNT_ONLY = Set.of("defaults", "auto", "noauto", "user", "nouser", "users",
            "owner", "group", "nofail", "_netdev", "comment");

    /**
     * Parses the {@code -o} lists; {@code driverOptions} are the driver's own option names, each with a value
     * (true) or a flag (false).
     */
    static MountOptionList parse(List<String> lists, Map<String, Boolean> driverOptions) {
        Map<String, String> common = new LinkedHashMap<>();
        Map<String, String> driver = new LinkedHashMap<>();
        Set<String> unknown = new TreeSet<>();
        for (String list : lists) {
            for (String opt : list.split(",", -1)) {
                if (opt.isEmpty()) continue;
                int eq = opt.indexOf('=');
                String name = eq < 0 ? opt : opt.substring(0, eq);
                String value = eq < 0 ? null : opt.substring(eq + 1);
                if (MOUNT_ONLY.contains(name) || name.startsWith("x-")) continue;
                Boolean takesValue = COMMON.get(name);
                Map<String, String> into = common;
                if (takesValue == null) {
                    takesValue = driverOptions.get(name);
                    into = driver;
                }
                if (takesValue == null) {
                    unknown.add(name);
                    continue;
                }
                if (takesValue && (value == null || value.isEmpty())) {
                    throw new IllegalArgumentException("-o " + name + " needs a value (" + name + "=...)");
                }
                if (!takesValue && value != null) {
                    throw new IllegalArgumentException("-o " + name + " takes no value (got " + opt + ")");
                }
                into.remove(name); // a later one wins, and shows where it was given
                into.put(name, value);
            }
        }
        if (!unknown.isEmpty()) {
            Set<String> known = new TreeSet<>(COMMON.keySet());
            known.addAll(driverOptions.keySet());
            throw new IllegalArgumentException("unknown mount option" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + " (known: " + String.join(", ", known) + ")");
        }
        MountOptionList o = new MountOptionList(common, driver);
        if ((o.has("dev") || o.has("suid")) && Credentials.euid() != 0) {
            throw new IllegalArgumentException("-o " + (o.has("dev") ? "dev" : "suid")
                    + " needs root: an unprivileged mount is always nodev,nosuid");
        }
        return o;
    }

    static MountOptionList none() {
        return new MountOptionList(Map.of(), Map.of());
    }

    /** Whether flag {@code name} was given and not undone by its opposite later (ro/rw, dev/nodev...). */
    boolean has(String name) {
        if (!options.containsKey(name)) return false;
        String opposite = switch (name) {
            case "ro" -> "rw";
            case "rw" -> "ro";
            case "dev", "suid", "exec" -> "no" + name;
            case "nodev", "nosuid", "noexec" -> name.substring(2);
            default -> null;
        };
        if (opposite == null || !options.containsKey(opposite)) return true;
        List<String> order = new ArrayList<>(options.keySet());
        return order.indexOf(name) > order.indexOf(opposite);
    }

    /** allow_other given, or else {@code otherwise}. */
    boolean allowOther(boolean otherwise) {
        return has("allow_other") || otherwise;
    }

    /** ro given (rw undoes it), or else {@code otherwise}. */
    boolean readOnly(boolean otherwise) {
        if (has("ro")) return true;
        return !has("rw") && otherwise;
    }

    /** {@code base} (the driver's own options) with these options applied over it. */
    MountOptions applyTo(MountOptions base) {
        MountOptions.Builder b = base.toBuilder();
        if (options.containsKey("fsname")) b.fsname(options.get("fsname"));
        if (options.containsKey("subtype")) b.subtype(options.get("subtype"));
        if (has("allow_other")) b.allowOther(true);
        if (has("default_permissions")) b.defaultPermissions(true);
        b.readOnly(readOnly(base.readOnly()));
        if (has("dev")) b.devices(true);
        if (has("nodev")) b.devices(false);
        if (has("suid")) b.setuid(true);
        if (has("nosuid")) b.setuid(false);
        if (has("noexec")) b.mountFlags(base.mountFlags() | dev.j4l.kernel.Mounts.MS_NOEXEC);
        if (has("exec")) b.mountFlags(base.mountFlags() & ~dev.j4l.kernel.Mounts.MS_NOEXEC);
        if (options.containsKey("max_read")) b.maxRead((int) Math.min(Integer.MAX_VALUE, bytes("max_read")));
        if (options.containsKey("entry_timeout")) b.entryTimeout(seconds("entry_timeout"));
        if (options.containsKey("attr_timeout")) b.attrTimeout(seconds("attr_timeout"));
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad -o option: " + e.getMessage(), e);
        }
    }

    /**
     * The driver's own options as its long options, for its argument parser: {@code size=64M} becomes
     * {@code --size 64M}, {@code page_cache} becomes {@code --page-cache}.
     */
    List<String> driverArgs() {
        List<String> args = new ArrayList<>();
        driver.forEach((name, value) -> {
            args.add("--" + name.replace('_', '-'));
            if (value != null) args.add(value);
        });
        return args;
    }

    private Duration seconds(String name) {
        String v = options.get(name);
        try {
            double s = Double.parseDouble(v);
            if (!(s >= 0) || s > 1e9) throw new NumberFormatException();
            return Duration.ofNanos(Math.round(s * 1e9));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-o " + name + "=" + v + ": needs seconds, e.g. 1 or 0.5");
        }
    }

    private long bytes(String name) {
        String v = options.get(name).toLowerCase(Locale.ROOT);
        try {
            long n = Long.parseLong(v);
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-o " + name + "=" + v + ": needs a number of bytes");
        }
    }
}

package dev.j4l.drivers.memfs;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The entries of one directory: by name for lookups, and by a cookie for readdir. Each entry gets the next
 * cookie when it is added and keeps it, so a listing resumed at a cookie neither repeats nor skips entries
 * that stayed put while the directory changed (cookies 1 and 2 are "." and "..").
 *
 * <p>Names are kept as ISO-8859-1 strings: one char per byte, so any byte sequence the kernel sends round-trips
 * exactly and Java stores it compactly. Not thread-safe: the directory node's lock guards it.
 */
final class Directory {
    static final long FIRST_COOKIE = 3;

    /** One name in the directory. */
    static final class Entry {
        final String name;
        Node node;
        final long cookie;

        Entry(String name, Node node, long cookie) {
            this.name = name;
            this.node = node;
            this.cookie = cookie;
        }
    }

    private final HashMap<String, Entry> byName = new HashMap<>();
    private final TreeMap<Long, Entry> byCookie = new TreeMap<>();
    private long nextCookie = FIRST_COOKIE;
    /** Entries that are directories: each adds one to this directory's link count (their ".."). */
    int subdirs;

    Node get(String name) {
        Entry e = byName.get(name);
        return e == null ? null : e.node;
    }

    Entry entry(String name) {
        return byName.get(name);
    }

    void add(String name, Node node) {
        Entry e = new Entry(name, node, nextCookie++);
        byName.put(name, e);
        byCookie.put(e.cookie, e);
        if (node.isDir()) subdirs++;
    }

    Node remove(String name) {
        Entry e = byName.remove(name);
        if (e == null) return null;
        byCookie.remove(e.cookie);
        if (e.node.isDir()) subdirs--;
        return e.node;
    }

    /** Points an existing entry at another node (rename over, or exchange). */
    void replace(Entry e, Node node) {
        if (e.node.isDir()) subdirs--;
        e.node = node;
        if (node.isDir()) subdirs++;
    }

    int size() {
        return byName.size();
    }

    boolean isEmpty() {
        return byName.isEmpty();
    }

    /** The entries after {@code cookie}, in cookie order. */
    Iterable<Entry> after(long cookie) {
        Map<Long, Entry> tail = byCookie.tailMap(cookie, false);
        return tail.values();
    }
}

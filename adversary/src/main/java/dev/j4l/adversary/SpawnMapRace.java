package dev.j4l.adversary;

import dev.j4l.kernel.ChildProcess;
import dev.j4l.kernel.OwnedFd;
import dev.j4l.kernel.Poller;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * j4l reads caller-owned collections more than once. {@code ChildProcess.spawn} gets a map whose entry answers
 * descriptor A the first time {@code getValue()} is called and B afterwards (and a fresh entry set each time):
 * if j4l acquires what one read gave and releases what another gave, A keeps a use forever (its close(2)
 * never runs) and B is released below zero (reads as closed though nobody closed it). {@code Poller} the same
 * way: its registrations are changed from another thread while {@code poll()} holds them.
 *
 * <p>Refused: A and B each close exactly once afterwards, the second close throws IllegalStateException, and
 * their numbers are really released. Break: anything else.
 */
final class SpawnMapRace implements Attack {
    @Override
    public String name() {
        return "spawn-map-race";
    }

    @Override
    public Verdict run() throws Exception {
        Findings findings = new Findings();
        try (DescriptorLedger ledger = new DescriptorLedger()) {
            try {
                ChildProcess child = ChildProcess.spawn(List.of("true"), Map.of("PATH", "/usr/bin:/bin"),
                        new ShiftingMap(ledger.a, ledger.b));
                child.waitFor();
            } catch (IllegalStateException e) {
                findings.broken("spawn threw " + e);
            }
            ledger.audit(findings);
        }
        try (DescriptorLedger ledger = new DescriptorLedger()) {
            pollWhileReregistering(findings, ledger);
            ledger.audit(findings);
        }
        return findings.verdict();
    }

    private static void pollWhileReregistering(Findings findings, DescriptorLedger ledger) throws Exception {
        Poller poller = new Poller(4);
        AtomicBoolean stop = new AtomicBoolean();
        Thread mutator = Thread.ofPlatform().name("adversary-poller-mutator").start(() -> {
            for (int k = 0; !stop.get(); k++) {
                try {
                    poller.clear();
                    poller.add((k & 1) == 0 ? ledger.a : ledger.b, Poller.POLLIN);
                } catch (RuntimeException refused) {
                    // "poller is full" and the like: the race goes on
                }
            }
        });
        try {
            for (int i = 0; i < 50_000; i++) {
                try {
                    poller.poll(0);
                } catch (IllegalStateException e) {
                    if (e.getMessage() != null && e.getMessage().contains("closed")) {
                        findings.broken("poll call " + i + " refused a descriptor nobody closed: " + e.getMessage());
                        break;
                    }
                } catch (RuntimeException raced) {
                    // index races inside an unsynchronized Poller are Java-level only
                }
            }
        } finally {
            stop.set(true);
            mutator.join();
        }
    }

    /** One entry, key 3, whose value is A on the first read and B on every later one; a new entry set per call. */
    private static final class ShiftingMap extends AbstractMap<Integer, OwnedFd> {
        private final OwnedFd first;
        private final OwnedFd later;
        private boolean givenFirst;

        ShiftingMap(OwnedFd first, OwnedFd later) {
            this.first = first;
            this.later = later;
        }

        @Override
        public Set<Entry<Integer, OwnedFd>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<Integer, OwnedFd>> iterator() {
                    return List.<Entry<Integer, OwnedFd>>of(new Entry<>() {
                        @Override
                        public Integer getKey() {
                            return 3;
                        }

                        @Override
                        public OwnedFd getValue() {
                            if (givenFirst) return later;
                            givenFirst = true;
                            return first;
                        }

                        @Override
                        public OwnedFd setValue(OwnedFd value) {
                            throw new UnsupportedOperationException();
                        }
                    }).iterator();
                }

                @Override
                public int size() {
                    return 1;
                }
            };
        }
    }
}

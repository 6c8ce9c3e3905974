package dev.j4l.cli;

import dev.j4l.block.nbd.NbdServer;
import dev.j4l.drivers.ramdisk.RamDisk;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** {@code j4l block}: serves an example block driver until Ctrl-C. */
final class BlockCommand implements Main.Command {
    @Override
    public String summary() {
        return "serve a block device (ramdisk) over NBD until Ctrl-C";
    }

    @Override
    public String usage() {
        return """
                usage: j4l block ramdisk --size SIZE [--nbd unix:PATH | --nbd tcp:PORT]

                Serves a sparse RAM disk of SIZE (e.g. 512M, 1G) as the NBD export "ramdisk", and prints its URI
                (for qemu-img, nbdinfo, nbd-client, fio's nbd engine). Memory grows with what is written, up to
                SIZE; Ctrl-C stops serving. Default: --nbd unix:/run/j4l-ramdisk.sock. TCP listens on loopback.
                """;
    }

    @Override
    public int run(String[] args) throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
        return serve(args, System.out, stop);
    }

    static int serve(String[] args, PrintStream out, CountDownLatch stop) throws Exception {
        if (args.length == 0 || !args[0].equals("ramdisk")) {
            throw new IllegalArgumentException("the block drivers are: ramdisk (see --help)");
        }
        Long size = null;
        String nbd = "unix:/run/j4l-ramdisk.sock";
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--size" -> {
                    if (++i >= args.length) throw new IllegalArgumentException("--size needs a value, e.g. 1G");
                    size = MemFsMountCommand.parseSize(args[i]);
                }
                case "--nbd" -> {
                    if (++i >= args.length) throw new IllegalArgumentException("--nbd needs unix:PATH or tcp:PORT");
                    nbd = args[i];
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (see --help)");
            }
        }
        if (size == null) throw new IllegalArgumentException("needs --size (see --help)");
        long bytes = (size + 511) / 512 * 512;
        RamDisk disk = new RamDisk(bytes);
        NbdServer server;
        if (nbd.startsWith("unix:")) {
            server = NbdServer.unix(disk, Path.of(nbd.substring(5)), "ramdisk");
        } else if (nbd.startsWith("tcp:")) {
            int port;
            try {
                port = Integer.parseInt(nbd.substring(4));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--nbd tcp:PORT needs a port number, got '" + nbd + "'");
            }
            if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
            server = NbdServer.tcp(disk, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), "ramdisk");
        } else {
            throw new IllegalArgumentException("--nbd takes unix:PATH or tcp:PORT, got '" + nbd + "'");
        }
        try (server) {
            out.println(server.uri());
            out.flush();
            stop.await();
        }
        return 0;
    }
}

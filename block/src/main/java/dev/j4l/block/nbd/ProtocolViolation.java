package dev.j4l.block.nbd;

import java.io.IOException;

/** What the protocol says ends a connection: input no reply can be framed for. */
final class ProtocolViolation extends IOException {
    private static final long serialVersionUID = 1L;

    ProtocolViolation(String why) {
        super(why);
    }
}

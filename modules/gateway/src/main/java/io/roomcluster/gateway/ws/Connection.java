package io.roomcluster.gateway.ws;

import org.apache.pekko.actor.typed.ActorRef;

/** One live WebSocket as a session sees it: where to write, and an id to tell connections apart. */
public record Connection(long id, ActorRef<Outbound> out, String remoteAddress) {

  public void send(String json) {
    out.tell(new Outbound.Frame(json));
  }

  public void close() {
    out.tell(Outbound.Close.INSTANCE);
  }
}

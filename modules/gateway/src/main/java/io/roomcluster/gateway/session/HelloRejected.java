package io.roomcluster.gateway.session;

import io.roomcluster.protocol.message.ErrorMessage;

/** A hello that gets an {@code error} answer; the connection stays open for another try. */
public final class HelloRejected extends RuntimeException {

  private final ErrorMessage error;

  public HelloRejected(ErrorMessage error) {
    super(error.code() + ": " + error.message(), null, false, false);
    this.error = error;
  }

  public ErrorMessage error() {
    return error;
  }
}

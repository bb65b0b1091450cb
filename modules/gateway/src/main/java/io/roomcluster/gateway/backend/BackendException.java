package io.roomcluster.gateway.backend;

import io.roomcluster.protocol.message.ErrorMessage;

/** A request to Nextcloud failed; carries the protocol error the client is sent. */
public final class BackendException extends RuntimeException {

  private final ErrorMessage error;

  public BackendException(ErrorMessage error, String detail) {
    super(error.code() + ": " + detail);
    this.error = error;
  }

  public BackendException(ErrorMessage error, String detail, Throwable cause) {
    super(error.code() + ": " + detail, cause);
    this.error = error;
  }

  public ErrorMessage error() {
    return error;
  }
}

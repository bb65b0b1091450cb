# roomcluster node configuration, rendered by the Helm chart {{ include "roomcluster.chart" . }}
# for release {{ .Release.Name }}. The container runs
#   java $JAVA_OPTS -jar /app/roomcluster-server.jar run --config /etc/roomcluster/roomcluster.conf
# No secret is written here: ${...} substitutions read the environment variables the Deployment
# fills from the Secret {{ include "roomcluster.secretName" . }} and from the pod's own fields.

# The node's defaults (cluster, http, management, signaling) and the Cassandra journal.
include classpath("application.conf")
include classpath("persistence-cassandra.conf")

# --- Cluster formation: Pekko Cluster Bootstrap with Kubernetes API discovery -------------------
# The pods find each other by their labels; the lowest-addressed of the first
# required-contact-point-nr pods forms the cluster, every later pod joins it. Never self-join.
roomcluster.cluster.self-join = off
roomcluster.cluster.bootstrap = on
roomcluster.management.enabled = on

pekko.management {
  http {
    # Advertised to the other pods' contact-point probing: the pod IP (status.podIP) ...
    hostname = ${ROOMCLUSTER_MANAGEMENT_HOST}
    port = {{ .Values.ports.management }}
    # ... bound on every interface, so the kubelet's probes reach it as well.
    bind-hostname = "0.0.0.0"
  }
  cluster.bootstrap.contact-point-discovery {
    discovery-method = kubernetes-api
    # Value of the pods' app.kubernetes.io/name label (%s of pod-label-selector below).
    service-name = {{ include "roomcluster.name" . | toJson }}
    # Pods to discover before a NEW cluster is formed (cluster.requiredContactPoints).
    required-contact-point-nr = {{ include "roomcluster.requiredContactPoints" . }}
  }
}
# Only this release's pods: another release of the chart in the same namespace is another cluster.
pekko.discovery.kubernetes-api.pod-label-selector = {{ printf "app.kubernetes.io/name=%%s,app.kubernetes.io/instance=%s" .Release.Name | toJson }}

pekko.remote.artery.canonical {
  # The pod IP (status.podIP): the address the other nodes connect to.
  hostname = ${ROOMCLUSTER_REMOTE_HOST}
  port = {{ .Values.ports.remoting }}
}

pekko.cluster {
  # pekko.cluster.app-version comes from ROOMCLUSTER_APP_VERSION (the image tag) via cluster.conf.
  # A node that cannot join the contact points' cluster stops (and is restarted) after this.
  shutdown-after-unsuccessful-join-seed-nodes = {{ .Values.cluster.shutdownAfterUnsuccessfulJoin }}
  split-brain-resolver.stable-after = {{ .Values.cluster.sbr.stableAfter }}
}

pekko.loglevel = {{ .Values.logLevel | toJson }}

# --- Client-facing HTTP: WebSocket /spreed, backend API, /api/v1/welcome ---------------------------
roomcluster.http {
  host = "0.0.0.0"
  port = {{ .Values.ports.http }}
}
# Nothing is stored on disk in the cluster (Cassandra journal); keep the data dir on the /tmp volume.
roomcluster.data-dir = "/tmp/roomcluster"

# --- Cassandra -----------------------------------------------------------------------------------
pekko.persistence.cassandra.journal.keyspace = {{ .Values.cassandra.keyspace | toJson }}
datastax-java-driver {
  basic.contact-points = {{ .Values.cassandra.contactPoints | toJson }}
  basic.load-balancing-policy.local-datacenter = {{ .Values.cassandra.localDatacenter | toJson }}
{{- if .Values.cassandra.auth.enabled }}
  advanced.auth-provider {
    class = PlainTextAuthProvider
    username = ${ROOMCLUSTER_CASSANDRA_USERNAME}
    password = ${ROOMCLUSTER_CASSANDRA_PASSWORD}
  }
{{- end }}
}

# --- Nextcloud backends --------------------------------------------------------------------------
roomcluster.backend {
  allow-all = {{ .Values.signaling.allowAll }}
  allow-http = {{ .Values.signaling.allowHttp }}
  # The shared secret (allow-all and backends without their own): ROOMCLUSTER_BACKEND_SECRET.
  secret = ${?ROOMCLUSTER_BACKEND_SECRET}
  backends = [
{{- range $i, $b := .Values.signaling.backends }}
{{- $secretEnv := ternary (include "roomcluster.backendSecretEnv" $i) "ROOMCLUSTER_BACKEND_SECRET" (not (empty $b.secretKey)) }}
    {
      id = {{ $b.id | toJson }}
      urls = {{ $b.urls | toJson }}
      secret = {{ printf "${%s}" $secretEnv }}
      session-limit = {{ $b.sessionLimit | default 0 | int }}
    }
{{- end }}
  ]
}

# Who may read /api/v1/stats and /metrics.
roomcluster.stats.allowed-ips = {{ .Values.signaling.statsAllowedIps | toJson }}
{{- with .Values.extraConfig }}

# --- extraConfig (values) ------------------------------------------------------------------------
{{ . }}
{{- end }}

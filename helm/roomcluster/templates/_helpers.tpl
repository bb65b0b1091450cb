{{/*
Chart name (app.kubernetes.io/name). Also the service-name Cluster Bootstrap looks up.
*/}}
{{- define "roomcluster.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name of the release's resources: <release>-<chart name>, or the release name when it already
contains the chart name.
*/}}
{{- define "roomcluster.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "roomcluster.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Selector labels: they identify this release's pods, for the Deployment, the Services, the PDB and
Kubernetes API discovery (pod-label-selector).
*/}}
{{- define "roomcluster.selectorLabels" -}}
app.kubernetes.io/name: {{ include "roomcluster.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "roomcluster.labels" -}}
helm.sh/chart: {{ include "roomcluster.chart" . }}
{{ include "roomcluster.selectorLabels" . }}
app.kubernetes.io/version: {{ include "roomcluster.imageTag" . | quote }}
app.kubernetes.io/component: signaling
app.kubernetes.io/part-of: roomcluster
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.additionalLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "roomcluster.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "roomcluster.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "roomcluster.imageTag" -}}
{{- .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/*
pekko.cluster.app-version: cluster.appVersion, else the image tag.
*/}}
{{- define "roomcluster.appVersion" -}}
{{- .Values.cluster.appVersion | default (include "roomcluster.imageTag" .) }}
{{- end }}

{{/*
The Secret with the signaling secrets: an existing one or the chart-created "<fullname>".
*/}}
{{- define "roomcluster.secretName" -}}
{{- .Values.secrets.existingSecret | default (include "roomcluster.fullname" .) }}
{{- end }}

{{/*
Cluster Bootstrap's required-contact-point-nr: cluster.requiredContactPoints, else replicaCount.
*/}}
{{- define "roomcluster.requiredContactPoints" -}}
{{- $n := int .Values.cluster.requiredContactPoints }}
{{- if le $n 0 }}{{ $n = int .Values.replicaCount }}{{ end }}
{{- if le $n 0 }}{{ $n = 1 }}{{ end }}
{{- $n }}
{{- end }}

{{/*
Environment variable of a backend's own secret (backends[i].secretKey).
*/}}
{{- define "roomcluster.backendSecretEnv" -}}
{{- printf "ROOMCLUSTER_BACKEND_%d_SECRET" . }}
{{- end }}

{{/*
Fails the render on values the server would refuse at start anyway.
*/}}
{{- define "roomcluster.validate" -}}
{{- if and (not .Values.signaling.allowAll) (empty .Values.signaling.backends) }}
{{- fail "roomcluster: no Nextcloud backend configured: set signaling.backends or signaling.allowAll=true" }}
{{- end }}
{{- range $i, $b := .Values.signaling.backends }}
{{- if or (empty $b.id) (empty $b.urls) }}
{{- fail (printf "roomcluster: signaling.backends[%d] needs an id and at least one url" $i) }}
{{- end }}
{{- end }}
{{- if and .Values.cassandra.auth.enabled (empty .Values.cassandra.auth.existingSecret) }}
{{- fail "roomcluster: cassandra.auth.enabled needs cassandra.auth.existingSecret" }}
{{- end }}
{{- if empty .Values.cassandra.contactPoints }}
{{- fail "roomcluster: cassandra.contactPoints is empty" }}
{{- end }}
{{- end }}

{{/*
True (non-empty) when a PodDisruptionBudget knob is set; 0 counts as set, null and "" do not.
*/}}
{{- define "roomcluster.isSet" -}}
{{- if not (or (kindIs "invalid" .) (eq (toString .) "")) }}true{{ end }}
{{- end }}

{{/*
JAVA_OPTS of the container: heap sizing from the memory limit, then jvm.extraOptions.
*/}}
{{- define "roomcluster.javaOpts" -}}
{{- $opts := list (printf "-XX:MaxRAMPercentage=%v" .Values.jvm.maxRamPercentage) }}
{{- if gt (int .Values.jvm.activeProcessorCount) 0 }}
{{- $opts = append $opts (printf "-XX:ActiveProcessorCount=%d" (int .Values.jvm.activeProcessorCount)) }}
{{- end }}
{{- with .Values.jvm.extraOptions }}
{{- $opts = append $opts . }}
{{- end }}
{{- join " " $opts }}
{{- end }}

{{/*
Non-empty when the shared backend secret is used: allowAll, or a backend without its own secretKey.
*/}}
{{- define "roomcluster.needsSharedBackendSecret" -}}
{{- $needed := .Values.signaling.allowAll }}
{{- range .Values.signaling.backends }}
{{- if not .secretKey }}{{ $needed = true }}{{ end }}
{{- end }}
{{- if $needed }}true{{ end }}
{{- end }}

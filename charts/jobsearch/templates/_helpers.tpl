{{/* Names, labels and the shared security settings every template uses. */}}

{{- define "jobsearch.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "jobsearch.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "jobsearch.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "jobsearch.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "jobsearch.claimName" -}}
{{- if .Values.storage.existingClaim -}}{{ .Values.storage.existingClaim }}{{- else -}}{{ include "jobsearch.fullname" . }}-data{{- end -}}
{{- end -}}

{{- define "jobsearch.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.podSecurityContext.runAsUser }}
runAsGroup: {{ .Values.podSecurityContext.runAsGroup }}
fsGroup: {{ .Values.podSecurityContext.fsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "jobsearch.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
{{- end -}}

{{/* Triton predictor of one model (encoder or ranker); arg: dict root, model. */}}
{{- define "jobsearch.tritonPredictor" -}}
{{- $ := .root -}}
{{- $m := .model -}}
minReplicas: {{ $m.minReplicas | default 1 }}
maxReplicas: {{ $m.maxReplicas | default 3 }}
{{- if $m.canary.enabled }}
canaryTrafficPercent: {{ $m.canary.trafficPercent }}
{{- end }}
securityContext:
  runAsNonRoot: true
  runAsUser: {{ $.Values.triton.runAsUser }}
  seccompProfile:
    type: RuntimeDefault
{{- with $.Values.imagePullSecrets }}
imagePullSecrets: {{ toYaml . | nindent 2 }}
{{- end }}
{{- if $.Values.gpu.enabled }}
{{- with $.Values.gpu.nodeSelector }}
nodeSelector: {{ toYaml . | nindent 2 }}
{{- end }}
{{- with $.Values.gpu.tolerations }}
tolerations: {{ toYaml . | nindent 2 }}
{{- end }}
{{- end }}
model:
  modelFormat:
    name: onnx
  runtime: {{ include "jobsearch.fullname" $ }}-triton
  protocolVersion: v2
  storageUri: {{ printf "%s/%s-v%s" $.Values.models.storageUri $m.name $m.version | quote }}
  args:
    - --model-control-mode=explicit
    - {{ printf "--load-model=%s" $m.name | quote }}
  env:
    - name: JOBSEARCH_MODEL_VERSION
      value: {{ $m.version | quote }}
  resources:
    requests:
      {{- toYaml $.Values.triton.resources.requests | nindent 6 }}
      {{- if $.Values.gpu.enabled }}
      {{ $.Values.gpu.resourceName }}: {{ $.Values.gpu.count | quote }}
      {{- end }}
    limits:
      {{- toYaml $.Values.triton.resources.limits | nindent 6 }}
      {{- if $.Values.gpu.enabled }}
      {{ $.Values.gpu.resourceName }}: {{ $.Values.gpu.count | quote }}
      {{- end }}
  securityContext:
    allowPrivilegeEscalation: false
    capabilities:
      drop: ["ALL"]
{{- end -}}

{{/* A jobsearch Python runtime predictor (shard server / query engine); arg: dict root, role, args, resources. */}}
{{- define "jobsearch.pythonModel" -}}
{{- $ := .root -}}
modelFormat:
  name: {{ printf "jobsearch-%s" .role }}
runtime: {{ include "jobsearch.fullname" $ }}-python
protocolVersion: v2
args:
  {{- toYaml .args | nindent 2 }}
env:
  - name: JOBSEARCH_HOME
    value: {{ printf "%s/home" $.Values.storage.mountPath | quote }}
  - name: HF_HUB_OFFLINE
    value: "1"
  {{- with .env }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
resources: {{ toYaml .resources | nindent 2 }}
securityContext: {{ include "jobsearch.containerSecurityContext" $ | nindent 2 }}
volumeMounts:
  - name: data
    mountPath: {{ $.Values.storage.mountPath }}
    readOnly: true
  - name: tmp
    mountPath: /tmp
{{- end -}}


{{/* Volumes of every jobsearch serving pod: the shared volume (read-only), scratch, and the
operator's `<jobindex>-active` pointer (optional: it appears at the first promotion). */}}
{{- define "jobsearch.servingVolumes" -}}
- name: data
  persistentVolumeClaim:
    claimName: {{ include "jobsearch.claimName" . }}
    readOnly: true
- name: tmp
  emptyDir: {}
- name: active
  configMap:
    name: {{ printf "%s-active" .Values.jobIndex.name }}
    optional: true
{{- end -}}

{{/* Members and corpus metadata: the JobIndex source when it is a path on the volume. */}}
{{- define "jobsearch.corpusDir" -}}
{{- if hasPrefix "/" .Values.jobIndex.source.uri -}}{{ .Values.jobIndex.source.uri }}{{- else -}}{{ printf "%s/corpus" .Values.storage.mountPath }}{{- end -}}
{{- end -}}

{{/* Which models.* entry embeds queries: the tuned query tower (models.queryEncoder) when
enabled, else the retriever encoder. Documents are always embedded by the retriever (the
JobIndex's spec.encoder, the build Jobs): a query tower is trained against the retriever's
document vectors and changes none of them, so rolling it out, canarying it or rolling it
back never needs an index rebuild. */}}
{{- define "jobsearch.queryModelKey" -}}
{{- if (.Values.models.queryEncoder | default dict).enabled -}}queryEncoder{{- else -}}encoder{{- end -}}
{{- end -}}

{{/* The ranker version folder as the transformer sees it (tokenizer, model card,
calibration): <mountPath>/<path of storageUri>/<name>-v<version>/ranker_candidate/<version>. */}}
{{- define "jobsearch.rankerDir" -}}
{{- $m := .Values.models.ranker -}}
{{- if .Values.transformer.rankerDir -}}
{{ .Values.transformer.rankerDir }}
{{- else if hasPrefix "pvc://" .Values.models.storageUri -}}
{{- $path := .Values.models.storageUri | trimPrefix "pvc://" | splitList "/" | rest | join "/" -}}
{{ printf "%s/%s/%s-v%s/ranker_candidate/%s" .Values.storage.mountPath $path $m.name $m.version $m.version | clean }}
{{- else -}}
{{- fail "models.storageUri is not a pvc:// URI: set transformer.rankerDir to the published ranker version folder" -}}
{{- end -}}
{{- end -}}

{{/* URL of the Triton model that embeds queries (the transformer's --encoder-url). */}}
{{- define "jobsearch.encoderUrl" -}}
{{- $m := index .Values.models (include "jobsearch.queryModelKey" .) -}}
{{ printf "http://%s-predictor.%s/v2/models/%s" $m.name .Release.Namespace $m.name }}
{{- end -}}

{{/* The model version folder (tokenizer files, manifest) of the model that embeds queries,
as the transformer sees it: <mountPath>/<path of storageUri>/<name>-v<version>/<name>/<version>. */}}
{{- define "jobsearch.encoderDir" -}}
{{- $key := include "jobsearch.queryModelKey" . -}}
{{- $m := index .Values.models $key -}}
{{- if .Values.transformer.encoderDir -}}
{{ .Values.transformer.encoderDir }}
{{- else if hasPrefix "pvc://" .Values.models.storageUri -}}
{{- $path := .Values.models.storageUri | trimPrefix "pvc://" | splitList "/" | rest | join "/" -}}
{{ printf "%s/%s/%s-v%s/%s/%s" .Values.storage.mountPath $path $m.name $m.version $m.name $m.version | clean }}
{{- else -}}
{{- fail (printf "models.storageUri is not a pvc:// URI: set transformer.encoderDir to a folder holding the tokenizer files of models.%s" $key) -}}
{{- end -}}
{{- end -}}


{{/* The Secret holding the posting store's DSN (postgres.enabled). */}}
{{- define "jobsearch.postgresSecret" -}}
{{- .Values.postgres.existingSecret | default (printf "%s-postgres" (include "jobsearch.fullname" .)) -}}
{{- end -}}

{{/* Names, labels and the pieces every workload shares. */}}

{{- define "launchforge.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "launchforge.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* "<fullname>-<component>"; call with (dict "root" $ "component" "auth"). */}}
{{- define "launchforge.componentName" -}}
{{- printf "%s-%s" (include "launchforge.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "launchforge.selectorLabels" -}}
app.kubernetes.io/name: {{ include "launchforge.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "launchforge.labels" -}}
{{ include "launchforge.selectorLabels" . }}
app.kubernetes.io/part-of: launchforge
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "launchforge.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "launchforge.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The worker's own ServiceAccount (the only one with an API token: kubernetes sandbox). */}}
{{- define "launchforge.workerServiceAccountName" -}}
{{- printf "%s-worker" (include "launchforge.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Image of a service: (dict "root" $ "service" "core"). */}}
{{- define "launchforge.image" -}}
{{- $own := (index .root.Values .service).image -}}
{{- $tag := default (default .root.Chart.AppVersion .root.Values.image.tag) $own.tag -}}
{{- if $own.repository -}}
{{- printf "%s:%s" $own.repository $tag -}}
{{- else -}}
{{- printf "%s/%s:%s" .root.Values.image.registry .service $tag -}}
{{- end -}}
{{- end -}}

{{/* The container's securityContext (devMode: writable root for file sync). */}}
{{- define "launchforge.containerSecurityContext" -}}
{{- if .Values.devMode -}}
{{- toYaml (set (deepCopy .Values.securityContext) "readOnlyRootFilesystem" false) -}}
{{- else -}}
{{- toYaml .Values.securityContext -}}
{{- end -}}
{{- end -}}

{{- define "launchforge.secretName" -}}
{{- default (include "launchforge.fullname" .) .Values.secrets.existingSecret -}}
{{- end -}}

{{/*
A generated secret value: the configured one, else the value already in the
release's Secret (so upgrades keep it), else a random one memoised on
.Release so every template of one render (the Secret and its hook copy) sees
the same value. Call with (dict "root" $ "key" "auth-key-encryption-keys"
"value" "..." "kind" "kek|token").
*/}}
{{- define "launchforge.generatedSecret" -}}
{{- if .value -}}
{{- .value -}}
{{- else -}}
{{- $memo := printf "launchforgeGenerated-%s" .key -}}
{{- if not (hasKey .root.Release $memo) -}}
{{- $existing := lookup "v1" "Secret" .root.Release.Namespace (include "launchforge.fullname" .root) -}}
{{- $value := "" -}}
{{- if and $existing $existing.data (hasKey $existing.data .key) -}}
{{- $value = index $existing.data .key | b64dec -}}
{{- else if eq .kind "kek" -}}
{{- $value = printf "k%s:%s" (now | date "20060102") (randBytes 32) -}}
{{- else -}}
{{- $value = randAlphaNum 48 -}}
{{- end -}}
{{- $_ := set .root.Release $memo $value -}}
{{- end -}}
{{- index .root.Release $memo -}}
{{- end -}}
{{- end -}}

{{/* The chart Secret's data (shared by the Secret and its migration-hook copy). */}}
{{- define "launchforge.secretData" -}}
auth-database-url: {{ .Values.secrets.authDatabaseUrl | b64enc | quote }}
core-database-url: {{ .Values.secrets.coreDatabaseUrl | b64enc | quote }}
redis-url: {{ .Values.secrets.redisUrl | b64enc | quote }}
auth-key-encryption-keys: {{ include "launchforge.generatedSecret" (dict "root" . "key" "auth-key-encryption-keys" "value" .Values.secrets.authKeyEncryptionKeys "kind" "kek") | b64enc | quote }}
core-key-encryption-keys: {{ include "launchforge.generatedSecret" (dict "root" . "key" "core-key-encryption-keys" "value" .Values.secrets.coreKeyEncryptionKeys "kind" "kek") | b64enc | quote }}
internal-token: {{ include "launchforge.generatedSecret" (dict "root" . "key" "internal-token" "value" .Values.secrets.internalToken "kind" "token") | b64enc | quote }}
{{- range $key, $value := .Values.secrets.extra }}
{{ $key }}: {{ $value | toString | b64enc | quote }}
{{- end }}
{{- end -}}

{{/* Non-secret environment of a component: (dict "root" $ "component" "auth"). */}}
{{- define "launchforge.configData" -}}
{{- $v := .root.Values -}}
{{- $fullname := include "launchforge.fullname" .root -}}
{{- $authUrl := printf "http://%s-auth:%v" $fullname $v.auth.port -}}
{{- $coreUrl := printf "http://%s-core:%v" $fullname $v.core.port -}}
{{- if eq .component "gateway" }}
GATEWAY_ENVIRONMENT: {{ $v.environment | quote }}
GATEWAY_LOG_LEVEL: {{ $v.logLevel | quote }}
GATEWAY_SHUTDOWN_DRAIN_SECONDS: {{ $v.shutdownDrainSeconds | quote }}
GATEWAY_HOST: "0.0.0.0"
GATEWAY_PORT: {{ $v.gateway.port | quote }}
GATEWAY_AUTH_URL: {{ $authUrl | quote }}
GATEWAY_CORE_URL: {{ $coreUrl | quote }}
GATEWAY_TRUSTED_PROXIES: {{ $v.gateway.trustedProxies | toJson | quote }}
{{- range $key, $value := $v.gateway.env }}
{{ $key }}: {{ $value | toString | quote }}
{{- end }}
{{- else if eq .component "auth" }}
AUTH_ENVIRONMENT: {{ $v.environment | quote }}
AUTH_LOG_LEVEL: {{ $v.logLevel | quote }}
AUTH_SHUTDOWN_DRAIN_SECONDS: {{ $v.shutdownDrainSeconds | quote }}
AUTH_HOST: "0.0.0.0"
AUTH_PORT: {{ $v.auth.port | quote }}
AUTH_PROXY_HEADERS: {{ $v.auth.proxyHeaders | quote }}
AUTH_TRUSTED_PROXIES: {{ $v.auth.trustedProxies | toJson | quote }}
AUTH_MAIL_BACKEND: {{ $v.auth.mail.backend | quote }}
AUTH_MAIL_FROM: {{ $v.auth.mail.from | quote }}
AUTH_SMTP_HOST: {{ $v.auth.mail.host | quote }}
AUTH_SMTP_PORT: {{ $v.auth.mail.port | quote }}
AUTH_SMTP_STARTTLS: {{ $v.auth.mail.starttls | quote }}
{{- with $v.auth.mail.username }}
AUTH_SMTP_USERNAME: {{ . | quote }}
{{- end }}
{{- if $v.auth.forwardedAllowIps }}
AUTH_FORWARDED_ALLOW_IPS: {{ $v.auth.forwardedAllowIps | quote }}
{{- end }}
{{- range $key, $value := $v.auth.env }}
{{ $key }}: {{ $value | toString | quote }}
{{- end }}
{{- else }}
CORE_ENVIRONMENT: {{ $v.environment | quote }}
CORE_LOG_LEVEL: {{ $v.logLevel | quote }}
CORE_SHUTDOWN_DRAIN_SECONDS: {{ $v.shutdownDrainSeconds | quote }}
CORE_HOST: "0.0.0.0"
CORE_PORT: {{ $v.core.port | quote }}
CORE_AUTH_URL: {{ $authUrl | quote }}
CORE_WORKER_CONCURRENCY: {{ $v.worker.concurrency | quote }}
CORE_SANDBOX_MODE: {{ $v.sandbox.mode | quote }}
CORE_PREVIEW_INTERNAL_HOST: "0.0.0.0"
CORE_PREVIEW_INTERNAL_PORT: {{ $v.worker.preview.port | quote }}
CORE_PREVIEW_MAX_PER_WORKER: {{ $v.worker.preview.maxPerWorker | quote }}
{{- if eq $v.sandbox.mode "kubernetes" }}
CORE_SANDBOX_K8S_NAMESPACE: {{ default .root.Release.Namespace $v.sandbox.namespace | quote }}
CORE_SANDBOX_K8S_IMAGE: {{ include "launchforge.image" (dict "root" .root "service" "core") | quote }}
CORE_SANDBOX_K8S_RUNTIME_CLASS: {{ $v.sandbox.runtimeClassName | quote }}
CORE_SANDBOX_K8S_CPU: {{ $v.sandbox.cpu | quote }}
CORE_SANDBOX_K8S_PREVIEW_PORT: {{ $v.sandbox.previewPort | quote }}
{{- end }}
{{- range $key, $value := $v.core.env }}
{{ $key }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Secret env vars of a component, as secretKeyRefs. */}}
{{- define "launchforge.secretEnv" -}}
{{- $secret := default (include "launchforge.secretName" .root) .secretName -}}
{{- $refs := dict -}}
{{- if eq .component "gateway" -}}
{{- $refs = dict "REDIS_URL" "redis-url" "GATEWAY_INTERNAL_TOKEN" "internal-token" -}}
{{- else if eq .component "auth" -}}
{{- $refs = dict "REDIS_URL" "redis-url" "AUTH_DATABASE_URL" "auth-database-url" "AUTH_KEY_ENCRYPTION_KEYS" "auth-key-encryption-keys" "AUTH_INTERNAL_TOKEN" "internal-token" -}}
{{- else -}}
{{- $refs = dict "REDIS_URL" "redis-url" "CORE_DATABASE_URL" "core-database-url" "CORE_KEY_ENCRYPTION_KEYS" "core-key-encryption-keys" "CORE_INTERNAL_TOKEN" "internal-token" -}}
{{- end -}}
{{- $refs = merge (deepCopy .extra) $refs -}}
{{- range $name := keys $refs | sortAlpha }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ index $refs $name }}
{{- end }}
{{- end -}}

{{- define "launchforge.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ . }}
{{- end -}}

{{- define "launchforge.topologySpread" -}}
{{- if .root.Values.topologySpread.enabled }}
topologySpreadConstraints:
  - maxSkew: {{ .root.Values.topologySpread.maxSkew }}
    topologyKey: {{ .root.Values.topologySpread.topologyKey }}
    whenUnsatisfiable: {{ .root.Values.topologySpread.whenUnsatisfiable }}
    labelSelector:
      matchLabels:
        {{- include "launchforge.selectorLabels" . | nindent 8 }}
{{- end }}
{{- end -}}

{{/* HTTP probes on /livez and /readyz of a named port. */}}
{{- define "launchforge.httpProbes" -}}
startupProbe:
  httpGet: {path: /livez, port: http}
  periodSeconds: 2
  failureThreshold: 30
  timeoutSeconds: 2
livenessProbe:
  httpGet: {path: /livez, port: http}
  periodSeconds: 10
  failureThreshold: 3
  timeoutSeconds: 2
readinessProbe:
  httpGet: {path: /readyz, port: http}
  periodSeconds: 5
  failureThreshold: 2
  timeoutSeconds: 3
{{- end -}}

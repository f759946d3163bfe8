{{/*
One Deployment. Call with (dict "root" $ "component" "core" "image" "core"
"values" .Values.core "args" (list "serve") "http" true "config" "core").
*/}}
{{- define "launchforge.deployment" -}}
{{- $root := .root -}}
{{- $v := .values -}}
{{- $ctx := dict "root" $root "component" .component -}}
{{- $configName := include "launchforge.componentName" (dict "root" $root "component" .config) -}}
{{- if .http }}
{{- /* preStop sleep, the app's drain, then SHUTDOWN_TIMEOUT (10 s) for in-flight requests. */}}
{{- $needed := add $root.Values.preStopSleepSeconds $root.Values.shutdownDrainSeconds 10 }}
{{- if lt (int $v.terminationGracePeriodSeconds) (int $needed) }}
{{- fail (printf "%s.terminationGracePeriodSeconds must be at least %d (preStopSleepSeconds + shutdownDrainSeconds + 10)" .component (int $needed)) }}
{{- end }}
{{- end }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "launchforge.componentName" $ctx }}
  labels:
    {{- include "launchforge.labels" $ctx | nindent 4 }}
spec:
  {{- if not (and $v.autoscaling $v.autoscaling.enabled) }}
  replicas: {{ $v.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}
  selector:
    matchLabels:
      {{- include "launchforge.selectorLabels" $ctx | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "launchforge.labels" $ctx | nindent 8 }}
      annotations:
        # Roll the pods when their configuration changes.
        checksum/config: {{ include "launchforge.configData" (dict "root" $root "component" .config) | sha256sum }}
        {{- with $v.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      {{- if .apiToken }}
      # Only the worker, for its Role over the sandbox's Jobs (templates/sandbox.yaml).
      serviceAccountName: {{ include "launchforge.workerServiceAccountName" $root }}
      automountServiceAccountToken: true
      {{- else }}
      serviceAccountName: {{ include "launchforge.serviceAccountName" $root }}
      automountServiceAccountToken: false
      {{- end }}
      enableServiceLinks: false
      {{- with $root.Values.image.pullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $root.Values.podSecurityContext | nindent 8 }}
      terminationGracePeriodSeconds: {{ $v.terminationGracePeriodSeconds }}
      {{- include "launchforge.topologySpread" $ctx | nindent 6 }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .component }}
          image: {{ include "launchforge.image" (dict "root" $root "service" .image) }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          {{- if $root.Values.devMode }}
          {{- $watch := list (printf "/app/services/%s/src" .image) "/app/libs/common/src" }}
          command: {{ toJson (concat (list "watchfiles" "--filter" "python" (printf "launchforge-%s %s" .image (join " " .args))) $watch) }}
          {{- else }}
          args: {{ toJson .args }}
          {{- end }}
          {{- if .http }}
          ports:
            - name: http
              containerPort: {{ $v.port }}
              protocol: TCP
          {{- else if .previewPort }}
          ports:
            - name: preview
              containerPort: {{ .previewPort }}
              protocol: TCP
          {{- end }}
          envFrom:
            - configMapRef:
                name: {{ $configName }}
          env:
            {{- include "launchforge.secretEnv" (dict "root" $root "component" .config "extra" $v.secretEnv) | trim | nindent 12 }}
            {{- if .previewPort }}
            # Core's API reaches this worker's previews at its pod IP.
            - name: CORE_PREVIEW_ADVERTISE_HOST
              valueFrom:
                fieldRef: {fieldPath: status.podIP}
            {{- end }}
          {{- if .http }}
          {{- include "launchforge.httpProbes" . | nindent 10 }}
          {{- else if $v.livenessCommand }}
          livenessProbe:
            exec:
              command: {{ toJson $v.livenessCommand }}
            periodSeconds: 30
            timeoutSeconds: 10
            failureThreshold: 3
          {{- end }}
          lifecycle:
            preStop:
              exec:
                command: ["sleep", "{{ $root.Values.preStopSleepSeconds }}"]
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          securityContext:
            {{- include "launchforge.containerSecurityContext" $root | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        {{- include "launchforge.tmpVolume" $v.tmpSizeLimit | nindent 8 }}
{{- end -}}

{{/* A ClusterIP Service for a component with an http port. */}}
{{- define "launchforge.service" -}}
{{- $ctx := dict "root" .root "component" .component -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "launchforge.componentName" $ctx }}
  labels:
    {{- include "launchforge.labels" $ctx | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "launchforge.selectorLabels" $ctx | nindent 4 }}
  ports:
    - name: http
      port: {{ .values.port }}
      targetPort: http
      protocol: TCP
{{- end -}}

{{/* ConfigMap of a component; hook=true makes it a pre-install/upgrade hook copy. */}}
{{- define "launchforge.configMap" -}}
{{- $ctx := dict "root" .root "component" .component -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "launchforge.componentName" $ctx }}{{ if .hook }}-migrate{{ end }}
  labels:
    {{- include "launchforge.labels" $ctx | nindent 4 }}
  {{- if .hook }}
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "-10"
    helm.sh/hook-delete-policy: before-hook-creation
  {{- end }}
data:
  {{- include "launchforge.configData" $ctx | nindent 2 }}
{{- end -}}

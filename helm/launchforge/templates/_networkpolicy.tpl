{{/* NetworkPolicy building blocks (used by networkpolicy.yaml). */}}
{{- define "launchforge.np.peer" -}}
- podSelector:
    matchLabels:
      {{- include "launchforge.selectorLabels" . | nindent 6 }}
{{- end -}}
{{- define "launchforge.np.rule" -}}
{{- /* (dict "to" peers "ports" (list port...)); no peers: any destination. */ -}}
- ports:
    {{- range .ports }}
    - {port: {{ . }}, protocol: TCP}
    {{- end }}
  {{- with .to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}

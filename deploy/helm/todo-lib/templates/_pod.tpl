{{/*
Pieces of a pod: its probes and the restricted Pod Security profile.
*/}}

{{/* An httpGet probe on the container's port named http. (dict "probe" .Values.probes.liveness) */}}
{{- define "todo-lib.probe" -}}
httpGet:
  path: {{ .probe.path }}
  port: http
periodSeconds: {{ .probe.periodSeconds }}
timeoutSeconds: {{ .probe.timeoutSeconds }}
failureThreshold: {{ .probe.failureThreshold }}
{{- end }}

{{/*
The restricted Pod Security profile for a pod of another image (the in-cluster database) run as
`uid`; the services' own pods take theirs from podSecurityContext and securityContext in values.
(dict "uid" 999)
*/}}
{{- define "todo-lib.restrictedPod" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
fsGroup: {{ .uid }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "todo-lib.restrictedContainer" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end }}

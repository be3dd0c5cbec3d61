{{/*
NetworkPolicies, the namespace's ResourceQuota and LimitRange, the `helm test` pod and NOTES.
*/}}

{{/* Egress every pod of ours needs: DNS, to the cluster's DNS pods only. */}}
{{- define "todo-lib.egress.dns" -}}
- to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: kube-system
      podSelector:
        matchLabels:
          k8s-app: kube-dns
  ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
{{- end }}

{{/*
Egress of the service's pods (and of the migration Job): DNS, the listed components of this
product, the in-cluster database when it is on, and external addresses by CIDR (NetworkPolicy
knows IPs, not host names: the database and the model's API are "port P to these CIDRs"). A rule
with exceptCluster leaves the cluster's own pod and Service ranges (global.cluster) out of its
0.0.0.0/0, so "any address on 443" does not include the Kubernetes API's Service or another pod;
link-local (169.254.0.0/16, cloud metadata) is in the values' except lists.
*/}}
{{- define "todo-lib.egress.rules" -}}
{{- $np := .Values.networkPolicy }}
{{- $cluster := .Values.global.cluster }}
{{- include "todo-lib.egress.dns" . }}
{{- range $np.egress.components }}
- to:
    - podSelector:
        matchLabels:
          app.kubernetes.io/part-of: todo-chatbot
          app.kubernetes.io/component: {{ .component }}
  ports:
    - port: {{ .port }}
      protocol: TCP
{{- end }}
{{- if include "todo-lib.postgresql.enabled" . }}
- to:
    - podSelector:
        matchLabels:
          {{- include "todo-lib.partSelectorLabels" (dict "ctx" . "component" "database") | nindent 10 }}
  ports:
    - port: 5432
      protocol: TCP
{{- end }}
{{- $inCluster := include "todo-lib.postgresql.enabled" . }}
{{- range $np.egress.external }}
{{- if not (and $inCluster (eq .name "database")) }}
- to:
    {{- $rule := . }}
    {{- range .cidrs }}
    {{- $except := $rule.except }}
    {{- if and $rule.exceptCluster (eq . "0.0.0.0/0") }}
    {{- $except = concat (list $cluster.podCIDR $cluster.serviceCIDR) $except | uniq }}
    {{- end }}
    - ipBlock:
        cidr: {{ . }}
        {{- with $except }}
        except:
          {{- toYaml . | nindent 10 }}
        {{- end }}
    {{- end }}
  ports:
    - port: {{ .port }}
      protocol: TCP
{{- end }}
{{- end }}
{{- end }}

{{- define "todo-lib.networkpolicy" -}}
{{- if .Values.networkPolicy.enabled }}
{{- $np := .Values.networkPolicy }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "todo-lib.fullname" . }}
  labels:
    {{- include "todo-lib.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "todo-lib.selectorLabels" . | nindent 6 }}
  policyTypes: ["Ingress", "Egress"]
  ingress:
    - ports:
        - port: {{ .Values.containerPort }}
          protocol: TCP
      {{- if not $np.allowExternal }}
      from:
        {{- range $np.ingressFrom }}
        - podSelector:
            matchLabels:
              app.kubernetes.io/part-of: todo-chatbot
              app.kubernetes.io/component: {{ . }}
        {{- end }}
      {{- end }}
  egress:
    {{- include "todo-lib.egress.rules" . | nindent 4 }}
{{- if and .Values.migrations .Values.migrations.enabled }}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "todo-lib.fullname" . }}-migrate
  labels:
    {{- include "todo-lib.partLabels" (dict "ctx" . "component" "migrate") | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "todo-lib.partSelectorLabels" (dict "ctx" . "component" "migrate") | nindent 6 }}
  policyTypes: ["Ingress", "Egress"]
  ingress: []
  egress:
    {{- include "todo-lib.egress.rules" . | nindent 4 }}
{{- end }}
{{- if include "todo-lib.postgresql.enabled" . }}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "todo-lib.postgresql.fullname" . }}
  labels:
    {{- include "todo-lib.partLabels" (dict "ctx" . "component" "database") | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "todo-lib.partSelectorLabels" (dict "ctx" . "component" "database") | nindent 6 }}
  policyTypes: ["Ingress", "Egress"]
  ingress:
    - from:
        - podSelector:
            matchLabels:
              {{- include "todo-lib.selectorLabels" . | nindent 14 }}
        - podSelector:
            matchLabels:
              {{- include "todo-lib.partSelectorLabels" (dict "ctx" . "component" "migrate") | nindent 14 }}
      ports:
        - port: 5432
          protocol: TCP
  egress: []
{{- end }}
{{- end }}
{{- end }}

{{/* Namespace guards; rendered by whichever release owns the namespace's budget. */}}
{{- define "todo-lib.namespaceGuards" -}}
{{- if .Values.resourceQuota.enabled }}
apiVersion: v1
kind: ResourceQuota
metadata:
  name: {{ .Values.resourceQuota.name }}
  labels:
    helm.sh/chart: {{ include "todo-lib.chart" . }}
    app.kubernetes.io/instance: {{ .Release.Name }}
    app.kubernetes.io/part-of: todo-chatbot
    app.kubernetes.io/managed-by: {{ .Release.Service }}
spec:
  hard:
    {{- toYaml .Values.resourceQuota.hard | nindent 4 }}
{{- end }}
{{- if .Values.limitRange.enabled }}
---
apiVersion: v1
kind: LimitRange
metadata:
  name: {{ .Values.limitRange.name }}
  labels:
    helm.sh/chart: {{ include "todo-lib.chart" . }}
    app.kubernetes.io/instance: {{ .Release.Name }}
    app.kubernetes.io/part-of: todo-chatbot
    app.kubernetes.io/managed-by: {{ .Release.Service }}
spec:
  limits:
    - type: Container
      default:
        {{- toYaml .Values.limitRange.default | nindent 8 }}
      defaultRequest:
        {{- toYaml .Values.limitRange.defaultRequest | nindent 8 }}
      max:
        {{- toYaml .Values.limitRange.max | nindent 8 }}
{{- end }}
{{- end }}

{{/*
`helm test`: a pod with the service's own image (nothing else to pull on an offline Minikube) asks
the probe routes through the Service, so it checks the Service, its port and the routes together.
*/}}
{{- define "todo-lib.test" -}}
{{- if .Values.tests.enabled }}
{{- $fullname := include "todo-lib.fullname" . }}
{{- $urls := list }}
{{- range (list .Values.probes.liveness.path .Values.probes.readiness.path | uniq) }}
{{- $urls = append $urls (printf "http://%s:%v%s" $fullname $.Values.service.port .) }}
{{- end }}
apiVersion: v1
kind: Pod
metadata:
  name: {{ $fullname }}-test
  labels:
    {{- include "todo-lib.partLabels" (dict "ctx" . "component" "test") | nindent 4 }}
  annotations:
    helm.sh/hook: test
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  restartPolicy: Never
  automountServiceAccountToken: false
  securityContext:
    {{- toYaml .Values.podSecurityContext | nindent 4 }}
  containers:
    - name: health
      image: {{ include "todo-lib.image" . | quote }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      command:
        - node
        - --input-type=module
        - -e
        - |
          const urls = process.env.HEALTH_URLS.split(" ");
          for (const url of urls) {
            const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
            console.log(url, res.status);
            if (!res.ok) process.exit(1);
          }
      env:
        - name: HEALTH_URLS
          value: {{ join " " $urls | quote }}
      resources:
        {{- toYaml .Values.tests.resources | nindent 8 }}
      securityContext:
        {{- toYaml .Values.securityContext | nindent 8 }}
{{- end }}
{{- end }}

{{/*
NOTES for one service: how to reach it from a browser and from inside the cluster. The way to open
the web app is the origin the backend trusts (its FRONTEND_URL, passed as AppUrl by the umbrella;
http://localhost:<port> otherwise, as the overlays set it): Minikube does not publish NodePorts on
localhost, and any other origin is refused at sign-in, so a localhost URL comes with its
port-forward.
*/}}
{{- define "todo-lib.notes" -}}
{{- $fullname := include "todo-lib.fullname" . }}
{{- $ns := .Release.Namespace }}
{{- $nodePort := .Values.service.nodePort }}
{{- $port := .Values.service.port }}
{{ .Values.component }}: Service {{ $fullname }} ({{ .Values.service.type }}{{ with $nodePort }} {{ . }}{{ end }}), {{ .Values.replicaCount }} replica(s)
{{- if eq .Values.component "frontend" }}
{{- $appUrl := get . "AppUrl" | default (printf "http://localhost:%v" ($nodePort | default $port)) }}
{{- $trusted := ternary "the origin the backend trusts: its FRONTEND_URL" "the backend's FRONTEND_URL must be this URL" (hasKey . "AppUrl") }}
{{- $u := urlParse $appUrl }}
{{- if has $u.hostname (list "localhost" "127.0.0.1") }}
{{- $local := regexFind ":[0-9]+$" $u.host | trimPrefix ":" | default (ternary "443" "80" (eq $u.scheme "https")) }}
  Open:     kubectl port-forward -n {{ $ns }} svc/{{ $fullname }} {{ $local }}:{{ $port }}
            then {{ $appUrl }}   ({{ $trusted }})
{{- if eq .Values.service.type "NodePort" }}
            Minikube does not publish NodePorts on localhost. To use http://$(minikube ip):{{ $nodePort }} or
            `minikube service -n {{ $ns }} {{ $fullname }} --url` instead, set the backend's
            config.FRONTEND_URL and config.BETTER_AUTH_URL to that URL first (sign-in refuses other origins).
{{- end }}
{{- else }}
  Open:     {{ $appUrl }}   ({{ $trusted }})
{{- end }}
{{- else }}
{{- if eq .Values.service.type "NodePort" }}
  Health:   curl http://$(minikube ip):{{ $nodePort }}/health   (or the URL of `minikube service -n {{ $ns }} {{ $fullname }} --url`)
            or kubectl port-forward -n {{ $ns }} svc/{{ $fullname }} {{ $port }}:{{ $port }}, then curl http://localhost:{{ $port }}/health
{{- else }}
  Health:   kubectl port-forward -n {{ $ns }} svc/{{ $fullname }} {{ $port }}:{{ $port }}, then curl http://localhost:{{ $port }}/health
{{- end }}
{{- end }}
  In cluster: http://{{ $fullname }}.{{ $ns }}.svc.cluster.local:{{ $port }}
  Probes:   {{ .Values.probes.liveness.path }} (live), {{ .Values.probes.readiness.path }} (ready)
{{- end }}

{{/*
The database side: the migration hook Job and the optional in-cluster PostgreSQL.
*/}}

{{/*
Migrations run once per install/upgrade in a hook Job. Against a database that exists already (an
external DATABASE_URL) the Job runs before anything else (pre-install, pre-upgrade), so new pods
find the schema they need. The in-cluster database is an object of the release itself, created
after pre-hooks: then the Job runs after the release's objects (post-install, post-upgrade; also
when an upgrade switches to the in-cluster database, which a pre-upgrade hook would wait for
forever). The backend migrates at start-up too (a no-op under the same advisory lock), so it
becomes ready before a post hook without waiting for it: `helm install --wait` cannot deadlock.
The Job's command waits for the database itself (DATABASE_WAIT_SECONDS, backoff): no
wait-for-database init container, which in the postgres image ran as a uid without a passwd entry
and never got an answer. Hooks may run before the release's own ConfigMap/Secret/ServiceAccount
exist, so the Job gets its own hook Secret (same data), plain env for the config, and the
namespace's default ServiceAccount with no token.
*/}}
{{- define "todo-lib.migrations.hook" -}}
{{- if include "todo-lib.postgresql.enabled" . }}post-install,post-upgrade{{ else }}pre-install,pre-upgrade{{ end }}
{{- end }}

{{- define "todo-lib.migrations" -}}
{{- if .Values.migrations.enabled }}
{{- $fullname := include "todo-lib.fullname" . }}
{{- $hook := include "todo-lib.migrations.hook" . }}
{{- $secretName := include "todo-lib.secretName" . }}
{{- if not .Values.secret.existingSecret }}
{{- $secretName = printf "%s-migrate" $fullname }}
{{ include "todo-lib.secretObject" (dict "ctx" . "name" $secretName "hook" $hook) }}
---
{{- end }}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ $fullname }}-migrate
  labels:
    {{- include "todo-lib.partLabels" (dict "ctx" . "component" "migrate") | nindent 4 }}
  annotations:
    helm.sh/hook: {{ $hook }}
    helm.sh/hook-weight: "0"
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  backoffLimit: {{ .Values.migrations.backoffLimit }}
  activeDeadlineSeconds: {{ .Values.migrations.activeDeadlineSeconds }}
  template:
    metadata:
      labels:
        {{- include "todo-lib.partLabels" (dict "ctx" . "component" "migrate") | nindent 8 }}
    spec:
      restartPolicy: Never
      serviceAccountName: default
      automountServiceAccountToken: false
      securityContext:
        {{- toYaml .Values.podSecurityContext | nindent 8 }}
      {{- with .Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: migrate
          image: {{ include "todo-lib.image" . | quote }}
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          command:
            {{- toYaml .Values.migrations.command | nindent 12 }}
          {{- with .Values.workingDir }}
          workingDir: {{ . }}
          {{- end }}
          env:
            {{- range $k, $v := (include "todo-lib.configData" . | fromYaml) }}
            - name: {{ $k }}
              value: {{ $v | quote }}
            {{- end }}
            - name: DATABASE_WAIT_SECONDS
              value: {{ .Values.migrations.databaseWaitSeconds | quote }}
          envFrom:
            - secretRef:
                name: {{ $secretName }}
          resources:
            {{- toYaml .Values.migrations.resources | nindent 12 }}
          securityContext:
            {{- toYaml .Values.securityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
{{- end }}
{{- end }}

{{- define "todo-lib.postgresql" -}}
{{- if include "todo-lib.postgresql.enabled" . }}
{{- $pg := .Values.postgresql }}
{{- $name := include "todo-lib.postgresql.fullname" . }}
{{- $labels := include "todo-lib.partLabels" (dict "ctx" . "component" "database") }}
{{- $selector := include "todo-lib.partSelectorLabels" (dict "ctx" . "component" "database") }}
apiVersion: v1
kind: Secret
metadata:
  name: {{ $name }}
  labels:
    {{- $labels | nindent 4 }}
  annotations:
    # Kept with the data volume: initdb runs once, so a reinstall needs the same password.
    helm.sh/resource-policy: keep
type: Opaque
{{ include "todo-lib.secretDataBlock" (dict "data" (dict "POSTGRES_PASSWORD" (include "todo-lib.postgresql.password" .))) }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $name }}
  labels:
    {{- $labels | nindent 4 }}
spec:
  type: ClusterIP
  ports:
    - name: postgresql
      port: {{ $pg.port }}
      targetPort: postgresql
      protocol: TCP
  selector:
    {{- $selector | nindent 4 }}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ $name }}
  labels:
    {{- $labels | nindent 4 }}
spec:
  serviceName: {{ $name }}
  replicas: 1
  selector:
    matchLabels:
      {{- $selector | nindent 6 }}
  template:
    metadata:
      labels:
        {{- $labels | nindent 8 }}
    spec:
      automountServiceAccountToken: false
      securityContext:
        {{- include "todo-lib.restrictedPod" (dict "uid" $pg.uid) | nindent 8 }}
      containers:
        - name: postgresql
          image: {{ printf "%s:%s" $pg.image.repository $pg.image.tag | quote }}
          imagePullPolicy: {{ $pg.image.pullPolicy }}
          ports:
            - name: postgresql
              containerPort: 5432
              protocol: TCP
          env:
            - name: POSTGRES_USER
              value: {{ $pg.auth.username | quote }}
            - name: POSTGRES_DB
              value: {{ $pg.auth.database | quote }}
            - name: POSTGRES_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: {{ $name }}
                  key: POSTGRES_PASSWORD
            - name: PGDATA
              value: /var/lib/postgresql/data/pgdata
          startupProbe:
            exec:
              command: ["pg_isready", "-h", "127.0.0.1", "-U", {{ $pg.auth.username | quote }}, "-d", {{ $pg.auth.database | quote }}]
            periodSeconds: 2
            failureThreshold: 60
          livenessProbe:
            exec:
              command: ["pg_isready", "-h", "127.0.0.1", "-U", {{ $pg.auth.username | quote }}, "-d", {{ $pg.auth.database | quote }}]
            periodSeconds: 10
            timeoutSeconds: 5
          readinessProbe:
            exec:
              command: ["pg_isready", "-h", "127.0.0.1", "-U", {{ $pg.auth.username | quote }}, "-d", {{ $pg.auth.database | quote }}]
            periodSeconds: 5
            timeoutSeconds: 5
          resources:
            {{- toYaml $pg.resources | nindent 12 }}
          securityContext:
            {{- include "todo-lib.restrictedContainer" . | nindent 12 }}
          volumeMounts:
            - name: data
              mountPath: /var/lib/postgresql/data
            - name: run
              mountPath: /var/run/postgresql
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: run
          emptyDir:
            sizeLimit: 16Mi
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: ["ReadWriteOnce"]
        {{- with $pg.persistence.storageClass }}
        storageClassName: {{ . }}
        {{- end }}
        resources:
          requests:
            storage: {{ $pg.persistence.size }}
{{- end }}
{{- end }}

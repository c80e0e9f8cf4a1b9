;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; (shepherd service): GNU Shepherd's service API, as Guix's generated
;;; service files use it, from byre's init (byre build shepherd).
;;; `make' replaces GOOPS's so that (make <service> …) works beside
;;; (oop goops); it defers to GOOPS for any other class.

(define-module (shepherd service)
  #:use-module (byre build shepherd)
  #:re-export-and-replace (make)
  #:re-export (
            <service>
            service
            service?
            service-provision
            service-requirement
            service-canonical-name
            one-shot-service?
            transient-service?
            respawn-service?
            service-respawn-limit
            service-respawn-delay
            service-documentation
            service-start
            service-stop
            service-actions
            service-status
            service-running-value
            service-running?
            service-stopped?
            service-enabled?
            service-respawn-times
            service-status-changes
            service-startup-failures
            service-action-list
            lookup-service-action
            service-defines-action?
            service->sexp
            <action>
            action?
            action-name
            action-procedure
            action-documentation
            actions
            make-actions
            register-services
            unregister-services
            lookup-service
            lookup-services
            lookup-running
            service-list
            for-each-service
            start-service
            stop-service
            start-in-the-background
            perform-service-action
            enable-service
            disable-service
            respawn-service
            root-service
            shutdown-services
            default-respawn-limit
            default-respawn-delay
            default-service-termination-handler
            default-environment-variables
            default-service-directory
            default-pid-file-timeout
            default-process-termination-grace-period
            make-forkexec-constructor
            make-kill-destructor
            make-system-constructor
            make-system-destructor
            fork+exec-command
            exec-command
            spawn-command
            spawn-shell-command
            read-pid-file
            terminate-process
            &service-error
            service-error?
            &missing-service-error
            missing-service-error?
            missing-service-name
            &unknown-action-error
            unknown-action-error?
            unknown-action-name
            unknown-action-service
            &action-runtime-error
            action-runtime-error?
            action-runtime-error-service
            action-runtime-error-action
            action-runtime-error-key
            action-runtime-error-arguments
            condition->sexp
            provided-by
            required-by
            canonical-name
            one-shot?
            transient?
            respawn?
            running?
            stopped?
            enabled?
            enable
            disable
            start
            stop
            action
            action-list
            lookup-action
            defines-action?))

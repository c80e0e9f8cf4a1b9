;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; (shepherd comm): GNU Shepherd's control protocol, for clients of the
;;; init, from (byre build shepherd-comm).

(define-module (shepherd comm)
  #:use-module (byre build shepherd-comm)
  #:re-export (open-connection
               open-server-socket
               <shepherd-command>
               shepherd-command
               shepherd-command?
               shepherd-command-version
               shepherd-command-action
               shepherd-command-service
               shepherd-command-arguments
               shepherd-command-directory
               <command-reply>
               command-reply
               command-reply?
               command-reply-command
               command-reply-result
               command-reply-error
               command-reply-messages
               write-command
               read-command
               write-reply
               define-record-type-serializer
               result->sexp))

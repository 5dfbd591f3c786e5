"""The answering core: a question parsed once (question), the evidence found for it
(evidence: candidate windows), the rules that judge each kind of evidence (policy), the one
verdict (arbiter), and the answer laid out (compose), run by the engine. The faces (the
command line, Discord) live outside it and only lay its answers out."""

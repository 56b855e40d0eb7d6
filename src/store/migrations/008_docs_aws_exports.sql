-- 008_docs_aws_exports: AWS CLI exports uploaded through the API
-- (POST /api/v1/docs-audit/aws-exports), kept so that every later audit run
-- checks drift against them, also after a restart. Same conventions as 001
-- (times BIGINT unix ms). Additive: 007 stored gaps only.
--
-- One row per export name; uploading the same name again replaces the body
-- (an export is a snapshot of AWS, the newest one is the truth). The body is
-- the JSON exactly as the aws CLI printed it, already checked to parse
-- (tickets/aws_import.h); `commands` and `resources` are what that check
-- found, so listing needs no re-parse.
CREATE TABLE docs_aws_exports (
  id {{id}},
  name TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL,
  commands TEXT NOT NULL,               -- "aws ec2 describe-instances, ..." in the order found
  resources BIGINT NOT NULL,            -- distinct resources in the export
  bytes BIGINT NOT NULL,
  uploaded_at BIGINT NOT NULL,
  uploaded_by TEXT NOT NULL             -- the actor, as audit_events.actor
);

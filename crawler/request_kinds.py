"""What a request is for, kept in its meta under `KIND`: middlewares treat the kinds differently.

- `LIST`: a list page (conditional GET, paging decisions of incremental crawls);
- `ARTICLE`: an article page (skipped when already archived, listed by `--dry-run`);
- `ATTACHMENT`: a HEAD for an attachment's size (crawler/pipelines/attachments.py): never filtered as known,
  never archived, and a refusal is not counted as an anti-bot challenge.
"""

KIND = "canlian_kind"
LIST = "list"
ARTICLE = "article"
ATTACHMENT = "attachment"

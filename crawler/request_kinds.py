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

# The list chain a list request belongs to: the first list request it descends from (its url, and a digest of
# its body for POST lists). Walks are recorded as finished per chain (crawler/middlewares/frontier.py).
CHAIN = "canlian_chain"
# Set by the spider on a parsed list page's meta: how many article links it showed. Only a page that shows
# articles gets conditional GET: a 304 on a shell or column page says nothing of the lists it leads to.
LIST_ARTICLES = "canlian_list_articles"
# The first request of a list chain (a start URL): if it fails, the site's lists were not reached at all.
CHAIN_START = "canlian_chain_start"
# A list page the strategy guessed exists (see spiders.strategies.base.ListRequest.guessed).
GUESSED = "canlian_guessed_list_page"

# Sent by the spider's errback for every list or article request that failed for good (a download error
# after retries, an HTTP error status, a refusal), with `request` and `failure`.
request_failed = object()

"""Topics: the taxonomy's topics a paper belongs to, by category, keywords and title/abstract rules."""

from __future__ import annotations

import polars as pl

from warehouse.contracts import taxonomy


def _folded(column: str) -> pl.Expr:
    # lowercase (and the long s, which (?i) matches as "s" but lowercasing keeps): every text a
    # case-insensitive pattern matches, its lowercase pattern matches here
    return pl.col(column).str.to_lowercase().str.replace_all("\u017f", "s", literal=True)


def topics_frame(papers: pl.DataFrame) -> pl.DataFrame:
    """``taxonomy.assign`` for many papers at once: columns paper_id, topic, score, method."""
    texts = ("title", "abstract", "kw")
    # the patterns are lowercase, so they match the lowercased text case-sensitively exactly
    # where their case-insensitive forms match the text ((?i) regexes cost several times more)
    folded = papers.select(
        "paper_id",
        pl.col("title").fill_null(""),
        pl.col("abstract").fill_null(""),
        pl.col("keywords").list.join(" | ").fill_null("").alias("kw"),
        pl.col("categories").fill_null([]).alias("cats"),
    ).with_columns(_folded(c) for c in texts)
    frames = []
    for topic in taxonomy.TOPICS:
        # the papers any of the topic's patterns can match, by one scan; counting hits per
        # pattern, 132 patterns x 3 columns, then runs on those few papers only
        any_of = f"(?:{'|'.join(topic.patterns)})"

        def hits(column: str, patterns: tuple[str, ...] = topic.patterns) -> pl.Expr:
            return pl.sum_horizontal(
                [pl.col(column).str.contains(p).cast(pl.Int64) for p in patterns]
            )

        cat = (
            pl.col("cats").list.eval(pl.element().is_in(list(topic.categories))).list.any()
            if topic.categories
            else pl.lit(False)
        )
        maybe = pl.any_horizontal(pl.col(c).str.contains(any_of) for c in texts)
        candidates = folded.with_columns(cat.fill_null(False).alias("cat")).filter(
            pl.col("cat") | maybe
        )
        scored = candidates.select(
            "paper_id",
            "cat",
            hits("title").alias("t"),
            hits("abstract").alias("a"),
            hits("kw").alias("k"),
        ).with_columns((0.5 * pl.col("t") + 0.25 * (pl.col("a") + pl.col("k"))).alias("rule"))
        frames.append(
            scored.with_columns(
                pl.min_horizontal(pl.lit(1.0), pl.col("cat").cast(pl.Float64) + pl.col("rule"))
                .round(2)
                .alias("score"),
                pl.when(pl.col("cat") & (pl.col("rule") <= 1.0))
                .then(pl.lit("category"))
                .when((pl.col("k") > 0) & (pl.col("t") == 0) & (pl.col("a") == 0))
                .then(pl.lit("keywords"))
                .otherwise(pl.lit("rules"))
                .alias("method"),
                pl.lit(topic.id).alias("topic"),
            )
            .filter(pl.col("score") >= 0.5)
            .select("paper_id", "topic", "score", "method")
        )
    return pl.concat(frames).sort("paper_id", maintain_order=True)

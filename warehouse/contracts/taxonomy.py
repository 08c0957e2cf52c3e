"""The research-topic taxonomy, version 2 (rules widened where ``python -m bench topics`` found
them weakest; see bench/RESULTS.md). Changing a topic's meaning means a new version.

Each topic is assigned by rules over title, abstract and HF ai_keywords (word-boundary
patterns), and by arXiv categories. ``score`` is the evidence: 1.0 per category hit, 0.5 per
title hit, 0.25 per abstract or keyword hit, capped at 1.0; a topic needs 0.5 to be assigned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TAXONOMY_VERSION = 2


@dataclass(frozen=True)
class Topic:
    id: str
    label: str
    patterns: tuple[str, ...]
    categories: tuple[str, ...] = ()


TOPICS: tuple[Topic, ...] = (
    Topic(
        "llm_pretraining",
        "LLM pre-training",
        (
            r"pre-?training",
            r"pretrain(?:ed|ing)? (?:corpus|data)",
            r"scaling laws?",
            r"tokeni[sz]er",
            r"continual pre-?training",
        ),
    ),
    Topic(
        "llm_alignment",
        "Alignment and RLHF",
        (
            r"rlhf",
            r"preference optimi[sz]ation",
            r"\bdpo\b",
            r"reward model",
            r"alignment",
            r"instruction[- ]tuning",
        ),
    ),
    Topic(
        "reasoning",
        "Reasoning",
        (r"reasoning", r"chain[- ]of[- ]thought", r"mathematical", r"\bmath\b", r"theorem"),
    ),
    Topic(
        "agents",
        "Agents and tool use",
        (
            r"\bagents?\b",
            r"tool[- ]use",
            r"web agents?",
            r"agentic",
            r"function calling",
            r"\bgui\b",
            r"tool[- ]usage",
            r"multi-agent",
        ),
    ),
    # not a bare "code": "code is available at ..." ends half of all abstracts
    Topic(
        "code",
        "Code generation",
        (
            r"code generation",
            r"code completion",
            r"code llms?",
            r"\bcoding\b",
            r"program synthesis",
            r"software engineering",
            r"\bcoder\b",
            r"code synthesis",
            r"code generat",
            r"generated code",
            r"software testing",
            r"unit tests?",
        ),
        ("cs.SE", "cs.PL"),
    ),
    Topic(
        "retrieval",
        "Retrieval and RAG",
        (r"retrieval", r"\brag\b", r"search engine", r"dense passage", r"information retrieval"),
        ("cs.IR",),
    ),
    Topic(
        "vision_language",
        "Vision-language models",
        (
            r"vision[- ]language",
            r"multimodal",
            r"\bvlms?\b",
            r"visual question answering",
            r"image[- ]text",
            r"\bmllms?\b",
            r"\blvlms?\b",
            r"\blmms?\b",
            r"\bllvms?\b",
            r"\bclip\b",
            r"image captioning",
            r"vision[- ]and[- ]language",
            r"visual instruction",
            r"vision-language-action",
        ),
    ),
    Topic(
        "image_generation",
        "Image generation",
        (r"text[- ]to[- ]image", r"image generation", r"image editing", r"diffusion models?"),
    ),
    Topic("video", "Video understanding and generation", (r"\bvideos?\b", r"text[- ]to[- ]video")),
    Topic(
        "3d_vision",
        "3D and scene reconstruction",
        (
            r"\b3d\b",
            r"gaussian splatting",
            r"nerf",
            r"radiance field",
            r"point clouds?",
            r"scene reconstruction",
            r"avatars?",
            r"\bmesh(?:es)?\b",
            r"novel view synthesis",
            r"stereo",
            r"reconstruct\w* (?:clothed |dynamic )?humans?",
        ),
    ),
    Topic(
        "computer_vision",
        "Computer vision",
        (
            r"object detection",
            r"segmentation",
            r"image classification",
            r"visual recognition",
            r"image restoration",
            r"depth estimation",
            r"pose estimation",
            r"\bocr\b",
            r"document parsing",
            r"super[- ]resolution",
            r"vision transformers?",
            r"image[- ]to[- ]image",
            r"photograph",
            r"\bdetr\b",
            r"optical flow",
            r"(?:point|object) tracking",
            r"visual (?:correspondence|representations?)",
        ),
        ("cs.CV",),
    ),
    Topic(
        "speech_audio",
        "Speech and audio",
        (r"speech", r"\baudio\b", r"\basr\b", r"text[- ]to[- ]speech", r"speaker"),
        ("eess.AS", "cs.SD"),
    ),
    Topic("music", "Music", (r"\bmusic", r"text[- ]to[- ]music", r"\bsong")),
    Topic(
        "rl",
        "Reinforcement learning",
        (r"reinforcement learning", r"\brl\b", r"policy optimi[sz]ation", r"reward"),
    ),
    Topic(
        "robotics",
        "Robotics and embodied AI",
        (
            r"robot",
            r"manipulation",
            r"embodied",
            r"locomotion",
            r"autonomous driving",
            r"navigation",
            r"humanoid",
            r"autonomous vehicles?",
            r"dexterous",
            r"imitation learning",
        ),
        ("cs.RO",),
    ),
    Topic(
        "efficiency",
        "Efficiency, compression and PEFT",
        (
            r"quantization",
            r"pruning",
            r"distillation",
            r"\blora\b",
            r"parameter[- ]efficient",
            r"speculative decoding",
            r"efficient inference",
            r"sparse attention",
            r"kv[- ]cache",
            r"\blatency\b",
            r"\bspeed-?ups?\b",
            r"\bthroughput\b",
            r"efficient (?:training|pre-?training|inference|llms?)",
            r"computational cost",
            r"\bflops\b",
            r"affordable",
        ),
    ),
    Topic(
        "long_context", "Long context", (r"long[- ]context", r"context window", r"long sequences?")
    ),
    Topic(
        "continual_learning",
        "Continual learning",
        (r"continual learning", r"catastrophic forgetting", r"lifelong learning"),
    ),
    Topic(
        "architecture",
        "Architectures",
        (
            r"transformer architecture",
            r"mixture[- ]of[- ]experts",
            r"\bmoe\b",
            r"state[- ]space models?",
            r"\bmamba\b",
            r"attention mechanism",
        ),
    ),
    Topic(
        "evaluation",
        "Benchmarks and evaluation",
        # "benchmark" and "evaluation" alone are in most abstracts ("we evaluate on benchmarks"):
        # a paper about evaluation names its benchmark, benchmarks something, or evaluates
        (
            r"\w*bench\b",
            r"\bbenchmarking\b",
            r"(?:new|a) benchmark",
            r"benchmarks? (?:for|of|suite)",
            r"leaderboard",
            r"evaluation (?:suite|framework|protocol|benchmark)",
            r"\w+-eval\b",
            r"\bevaluating\b",
        ),
    ),
    Topic(
        "medical",
        "Medicine and health",
        (r"medical", r"clinical", r"health", r"radiology", r"patients?", r"biomedical"),
        ("q-bio.QM",),
    ),
    Topic(
        "science",
        "AI for science",
        (r"protein", r"molecul", r"chemistry", r"materials", r"physics", r"weather", r"drug"),
        ("q-bio.BM", "physics.comp-ph"),
    ),
    Topic(
        "safety",
        "Safety, security and privacy",
        (
            r"jailbreak",
            r"safety",
            r"adversarial (?:attacks?|examples?|robustness|prompts?)",
            r"privacy",
            r"red[- ]teaming",
            r"backdoor",
            r"prompt injection",
            r"content moderation",
            r"trustworth",
            r"\battack(?:s|ers?)?\b",
            r"harmful",
        ),
        ("cs.CR",),
    ),
    Topic(
        "interpretability",
        "Interpretability",
        (r"interpretab", r"explainab", r"mechanistic", r"probing"),
    ),
    Topic(
        "multilingual",
        "Multilingual and translation",
        (
            r"multilingual",
            r"machine translation",
            r"low[- ]resource languages?",
            r"cross[- ]lingual",
        ),
    ),
    Topic(
        "nlp",
        "Natural language processing",
        (r"language models?", r"\bnlp\b", r"text classification", r"summari[sz]ation"),
        ("cs.CL",),
    ),
    Topic(
        "theory",
        "Learning theory and optimization",
        (r"convergence", r"generali[sz]ation bound", r"optimi[sz]er", r"gradient descent"),
        ("stat.ML", "math.OC"),
    ),
)
TOPIC_IDS: tuple[str, ...] = tuple(t.id for t in TOPICS)
_COMPILED = [(t, [re.compile(p, re.IGNORECASE) for p in t.patterns]) for t in TOPICS]


def assign(
    title: str, abstract: str | None, keywords: list[str] | None, categories: list[str] | None
) -> list[tuple[str, float, str]]:
    """(topic, score, method) for each topic with enough evidence; method names the strongest."""
    out = []
    cats = set(categories or [])
    kw_text = " | ".join(keywords or [])
    for topic, patterns in _COMPILED:
        score, method = 0.0, ""
        if cats & set(topic.categories):
            score, method = 1.0, "category"
        hits_title = sum(1 for p in patterns if p.search(title))
        hits_abs = sum(1 for p in patterns if abstract and p.search(abstract))
        hits_kw = sum(1 for p in patterns if kw_text and p.search(kw_text))
        rule = 0.5 * hits_title + 0.25 * (hits_abs + hits_kw)
        if rule > score:
            method = "keywords" if hits_kw and not (hits_title or hits_abs) else "rules"
        score = min(1.0, score + rule)
        if score >= 0.5:
            out.append((topic.id, round(score, 2), method))
    return out

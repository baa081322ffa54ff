"""Lexical families of page furniture, written as patterns over many phrasings.

Each :class:`PatternRule` names one family (``rule``), the removal ``category`` it implies, the
most words a line may have for the rule to apply (long lines are prose that merely mentions the
words), and one line saying what it catches. Rules describe *kinds* of line seen on news sites
everywhere (appeals, ad slots, newsletter boxes, photo credits, share bars, legal footers), in
English and, where cheap, other major news languages; none names an outlet, person or phrase
from one site. Sources: the appeal/ad/newsletter families follow the line-level filters of
C4 (Raffel et al. 2020) and Gopher/datatrove, widened to caption and credit shapes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from .leads import LeadIndex, leads_of, start_lookahead


@dataclass(frozen=True)
class PatternRule:
    rule: str
    category: str
    pattern: re.Pattern
    max_words: int
    catches: str
    #: a second cue the line must also carry when it has more than ``bare_words`` words
    also: re.Pattern | None = None
    bare_words: int = 8
    #: lower-case fragments of which the line must hold one before the pattern is tried (speed:
    #: most lines hold none); every alternative of the pattern needs one of them
    hints: tuple[str, ...] = ()

    def matches(self, text: str, n_words: int, lowered: str | None = None) -> bool:
        """Whether the line belongs to this family. :func:`first_matching_rule` gives the same
        answer for all rules at once, faster."""
        if n_words > self.max_words:
            return False
        low = lowered or text.lower()
        if self.hints and not any(hint in low for hint in self.hints):
            return False
        if not self.pattern.search(text):
            return False
        return self.also is None or n_words <= self.bare_words or bool(self.also.search(text))


def _rx(expr: str) -> re.Pattern:
    return re.compile(expr, re.I | re.U)


#: appeals and prompts address the reader or speak for the outlet
_ADDRESSES_READER = re.compile(r"\b(you|your|yours|we|our|us|sign up|subscribe|join|receive|click|please|consider)\b", re.I)
#: the buttons of a share bar, in several languages
_SHARE_TARGETS = ("share", "shares", "tweet", "pin", "pint", "pinterest", "email", "e-mail", "print", "copy link",
                  "whatsapp", "linkedin", "facebook", "twitter", "reddit", "telegram", "messenger", "flipboard",
                  "tumblr", "pocket", "buffer", "vk", "weibo", "wechat", "line", "sms", "google", "google+", "x",
                  "compartilhar", "compartir", "partager", "teilen", "condividi", "baixar", "imprimir", "drucken",
                  "imprimer", "stampa")
#: one button, longest name first and atomic: a bar is read left to right in one way only, so a
#: line that is not a bar fails in linear time ('share share … zz' backtracked exponentially)
_SHARE_BUTTON = "(?>" + "|".join(re.escape(t) for t in sorted(_SHARE_TARGETS, key=len, reverse=True)) + ")"
#: 'Share this', 'Share on Facebook', 'Share via …' (a button's name after it is the next button)
_SHARE_SUFFIX = rf"(?> (?:this|on|via|entry|article|story)(?: (?!{_SHARE_BUTTON})\w+)?)?"
#: phrases of a sign-up or subscription offer; one alone is too weak for a long paragraph, two are not
_OFFER_CUES = (r"sign up (?:for|to) (?:our|the|a)|subscribe to (?:our|the)|your inbox|for as little as|"
               r"use (?:the )?(?:promo |coupon |discount )?code|\d+ issues for|free trial|subscriptions? (?:service|plan|offer)|"
               r"start your (?:day|morning|week) with|limited[- ]time offer|enter your e-?mail|"
               r"delivered (?:through|to) your (?:letterbox|door|doorstep|mailbox)")
_OFFER_HINTS = ("sign up", "subscribe to", "your inbox", "as little as", "code", "issues for", "free trial", "subscription",
                "start your", "limited", "enter your", "delivered")
_PERSON = r"[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}"
_ORG = r"[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,4}"

RULES: tuple[PatternRule, ...] = (
    PatternRule("ad_slot", "advertisement", _rx(
        r"^\W*(advertisement|advertising|advert|ad|ads|sponsored( content| post| links?)?|paid (content|post|partner)|"
        r"promoted( content)?|anzeige|werbung|publicité|publicidad|pubblicità|publicidade|реклама|광고|広告|"
        r"スポンサードリンク|スポンサーリンク|赞助|sponsorlu)\W*$"),
        4, "an ad slot label ('- Advertisement -', 'Sponsored content') standing alone"),
    PatternRule("continue_reading", "advertisement", _rx(
        r"^\W*(continue reading( the main story| below)?|story continues (below|after)( advertisement)?|"
        r"scroll (down )?to continue( with content)?|article continues below)\W*$"),
        8, "a 'continue reading' marker left where an ad was"),
    PatternRule("membership_appeal", "membership_appeal", _rx(
        r"\b(become|join|sign up as|becoming) (a |an |our )?([\w-]+ ){0,3}(member|supporter|patron|friend)s?\b|"
        r"\bsupport (independent|quality|local|small|nonprofit|non-profit|our|free|fearless|trusted)\b.{0,60}"
        r"\b(journalism|media|news|reporting|newsroom|outlets?|work|press)\b|"
        r"^\W*(donate|contribute)\b|^\W*give (now|today|monthly|once|what you can|to (us|our|the|support))\b|\b(please|you can|help us( by)?|click to|consider) (donate|donating|giving|contributing)\b|"
        r"\bdonate (now|today|here|to us|to support)\b|\b(our|this) ([\w-]+ )?fundraiser\b|\bchip in\b|"
        r"\bmake a (one-off |monthly |small )?(contribution|donation|gift)\b|"
        r"\bconsider (becoming|joining|supporting|donating|subscribing|a (small )?(gift|donation))\b|"
        r"\binterested in (directly )?(assisting|supporting|helping)\b|"
        r"\b(join|subscribe|support us) (us )?(today|now)\b|\bunterstützen sie\b|\bfaites un don\b|\bhaz una donación\b"),
        60, "a membership, donation or subscription appeal", _ADDRESSES_READER,
        hints=("member", "supporter", "patron", "friend", "support", "donat", "give", "contribut", "fundrais",
               "giving", "chip in", "gift", "consider", "interested", "join", "subscrib", "unterstützen", "un don",
               "una donaci")),
    PatternRule("newsletter_box", "newsletter_signup", _rx(
        r"\bnewsletters?\b|\byour inbox\b|\bthanks? (you )?for (signing up|subscribing)\b|"
        r"\berror processing your subscription\b|\bsign up (for|to) (our|the|a)\b|\bsubscribe to (our|the)\b|"
        r"\benter your e-?mail\b|\be-?mail (address|updates|alerts)\b|\bdelivered (to you|straight|daily|every)\b|"
        r"\b(daily|weekly|morning|evening) (briefing|digest|email|roundup)\b|\bget (the|our) .{0,40} (daily|weekly)\b"),
        25, "a newsletter or e-mail signup prompt", _ADDRESSES_READER, 6,
        hints=("newsletter", "inbox", "thank", "error processing", "sign up", "subscribe", "enter your", "mail",
               "delivered", "briefing", "digest", "roundup", "get the", "get our")),
    PatternRule("related_header", "related_content", _rx(
        r"^\W*(related( articles?| stories| news| posts| content| coverage| reading| links?| topics)?|"
        r"read (more|also|next|this)|see (also|more)\b.*|more (from|on|in|about|stories|news|articles|videos|like this)\b.*|"
        r"recent (articles|posts|stories|news)|(the )?latest\b.{0,30}\b(news|stories|articles|videos|headlines)|"
        r"most (popular|read|viewed|shared|watched)\b.*|you (may|might) (also )?(like|enjoy|be interested in)\b.*|"
        r"recommended( for you| stories| reading)?|top (stories|news|headlines)|trending( now| stories)?|"
        r"more|further reading|explore further|what to read next|editor'?s picks?|popular (now|stories|posts)|in other news|"
        r"don'?t miss|also (read|see)|watch (more|next)|mehr zum thema|lesen sie auch|à lire aussi|"
        r"leia também|leggi anche|te puede interesar|читайте также|você (também )?pode gostar|"
        r"(quizás |también )?te puede interesar|vous aimerez aussi|das könnte sie auch interessieren|"
        r"potrebbe interessarti|articoli correlati|artículos relacionados|articles similaires|"
        r"ähnliche artikel|veja também|关联文章|相关文章|相关新闻|推荐阅读|関連記事|関連ニュース|人気記事|"
        r"おすすめ記事|관련\s?기사|많이 본 뉴스)\W*$"),
        10, "a header of a related, latest or most-read links box"),
    PatternRule("related_link", "related_content", _rx(
        r"^\W*(related( article| story| content)?|read (more|also)|see also|also read|more|watch|listen|"
        r"recommended|opinion|analysis|explainer)\s*[:|»›>-]\s*\S"),
        30, "an inline 'Related:'/'Read more:' link to another article"),
    PatternRule("social_embed", "social_embed", _rx(
        r"pic\.twitter\.com/|\bt\.co/\w|^\W*embed\W*$|^—.{0,80}\(@\w+\)|instagram\.com/(p|reel)/|"
        r"\ba post shared by\b|\bview this post on (instagram|facebook|x)\b|tiktok\.com/@|"
        r"youtube\.com/(watch|embed)|youtu\.be/|\bfacebook\.com/[^\s]+/(posts|videos)/"),
        80, "an embedded social-media post or its attribution line",
        hints=("pic.twitter", "t.co/", "embed", "—", "instagram", "a post shared", "view this post", "tiktok",
               "youtube", "youtu.be", "facebook.com")),
    PatternRule("credit_in_parens", "image_caption", _rx(
        r"\(\s*(?:[^()]{0,60}/\s*)?(?:AP|AFP|Reuters|Getty( Images)?|EPA|PA( Wire| Media)?|Shutterstock|"
        r"Bloomberg|Xinhua|file( photo)?|photo|picture|pool|handout|supplied|courtesy[^()]*)\s*\)\s*\.?\s*$|"
        r"\(\s*" + _PERSON + r"\s*/\s*" + _ORG + r"\s*\)\s*\.?\s*$|"
        r"\b(AP|AFP) Photo\b|\bGetty Images\b|\bShutterstock\b|\biStock(photo)?\b|"
        r"(^|[.!?”\"]\s*)" + _PERSON + r"\s*/\s*" + _ORG + r"(\s*/\s*" + _ORG + r")+\s*$|"
        r"^" + _PERSON + r",\s*(?-i:AP|AFP|Reuters|Getty Images|EPA|Bloomberg|Xinhua|PA)\s*$"),
        60, "a caption ending in a photo credit ('… (Name/AP)', '… Name / EPA / Agency')",
        hints=("(", "/", "photo", "getty", "shutterstock", "istock", ", ap", ", afp", ", reuters", ", epa",
               ", bloomberg", ", xinhua", ", pa")),
    PatternRule("credit_label", "image_caption", _rx(
        r"\b(photo|picture|image|photograph|illustration|video|graphic|footage)s?\s*(credit)?\s*(:|by\b|via\b|courtesy\b)\s*\S|"
        r"\bcredit(s)?\s*(\.{2,}|…)\s*\S|^\W*(photo|image|picture)s?\W*$|[.!?]\s+credits?:\s*\S+(\s+\S+){0,4}\s*$|"
        r"(?<=[a-z.!?)])(?-i:Credit):\s*[\w.'’&/ -]{2,60}$|^\W*image (caption|copyright|source)\b"),
        60, "a photo-credit label ('Picture: PA', 'Image via X', 'Credit...', '… . Credit: Agency')",
        hints=("photo", "picture", "image", "illustration", "video", "graphic", "footage", "credit")),
    PatternRule("caption_position", "image_caption", _rx(
        r"^(from |pictured,? )?(left|right|top|bottom|centre|center|above|below)( to right)?\s*[,:]|"
        r"\((left|right|centre|center|top|bottom|pictured|above|below|l-r|left to right|second (left|right))\)|"
        r"^(pictured|photographed|seen here)\b|^in this\b.{0,40}\b(file )?(photo|image|picture|photograph)\b|"
        r",\s(left|right|center|centre|second (from )?(left|right))(\s[\w-]+){0,3},\s"),
        45, "a caption that points at people in a photo ('From left, …', '… (right)')",
        hints=("left", "right", "top", "bottom", "centre", "center", "above", "below", "pictured",
               "photographed", "seen here", "in this", "l-r")),
    PatternRule("share_bar", "social_embed", _rx(
        rf"^\W*(?:\d++\W*+)*+{_SHARE_BUTTON}{_SHARE_SUFFIX}\W*+(?:(?:{_SHARE_BUTTON}|\d++){_SHARE_SUFFIX}\W*+)*+$|"
        r"^\W*(follow (us|@\w+)|like us on|find us on|join us on)\b|^\W*click to (share|email|print)\b|"
        r"^\W*follow\b.{0,60}\bon (facebook|twitter|instagram|youtube|tiktok|linkedin|threads|bluesky)\b"),
        12, "a share bar or 'follow us' line"),
    PatternRule("legal_notice", "legal_footer", _rx(
        r"\ball rights reserved\b|©|ⓒ|\(c\)\s*\d{4}|\bcopyright\s*(©\s*)?\d{4}|\bDMCA\b|"
        r"\bterms (of|and) (use|service|conditions)\b|\bprivacy (policy|notice|settings)\b|"
        r"\bcookie(s)? (policy|settings|preferences|consent)\b|\bwe use cookies\b|"
        r"\bmay not be (published|reproduced|broadcast|rewritten|redistributed)\b|\bsubject to copyright\b|"
        r"\bno part (of this \w+ )?may be reproduced\b|\breproduction\b.{0,30}\bprohibited\b|"
        r"\bcomment(ing)? (policy|guidelines)\b|\bcommunity (guidelines|standards)\b|"
        r"\btous droits réservés\b|\balle rechte vorbehalten\b|\btodos los derechos reservados\b"),
        40, "a copyright, legal, cookie or comment-policy notice",
        hints=("rights reserved", "©", "ⓒ", "(c)", "copyright", "dmca", "terms", "privacy", "cookie", "may not be",
               "no part", "reproduc", "comment", "community", "droits", "rechte", "derechos")),
    PatternRule("cookie_notice", "legal_footer", _rx(
        r"\bcookies?\b.{0,200}\b(website|browser|consent|opt[- ]?out|accept|necessary|experience|third[- ]party|"
        r"analytics|preferences|privacy|tracking|personali[sz]e)|\b(website|site|we) uses? cookies\b|"
        r"^\W*(accept( all)?|reject( all)?|manage (cookies|preferences|options)|cookie settings|privacy overview|"
        r"necessary|non-necessary|always enabled|functional|performance|analytics|advertisement)\W*$"),
        150, "a cookie-consent banner or privacy-settings text",
        hints=("cookie", "accept", "reject", "manage", "privacy", "necessary", "enabled", "functional",
               "performance", "analytics", "advertisement")),
    PatternRule("comment_thread_title", "comments", _rx(
        r"^\W*(?:\d+|one|no)\s+(?:thoughts?|comments?|responses?|replies|reactions?)\s+(?:on|to)\s+(?:[“\"«‘„]|[^.!?]*$)"),
        40, "a comment thread's title ('6 thoughts on “Headline”', '2 responses to …': WordPress's default)",
        hints=("thought", "comment", "response", "replies", "reaction")),
    PatternRule("comment_author", "comments", _rx(
        r"^\W*+[\w.@' -]{2,40}?\s+(says|said|wrote|writes|commented|replied)\s*:\s*$|"
        r"^\W*\d+\s+(comments?|responses|replies) to\b|\b\d+\s+comments\b.{0,20}\bfeed for comments\b"),
        12, "a comment's author line ('name says:') or a thread header ('34 responses to …')",
        hints=("says", "said", "wrote", "writes", "commented", "replied", "responses", "replies", "comments")),
    PatternRule("comment_controls", "comments", _rx(
        r"^\W*(reply|reply to this comment|report abuse|load more comments|show more replies|\d+ (replies|likes))\W*$|"
        r"^\W*\d+\s+(comments?|responses|replies)\W*$|^\W*comments? (are|have been) (closed|disabled)\b"),
        8, "comment-thread controls ('Reply', 'Report abuse', '12 comments')"),
    PatternRule("credit_line", "credit_footer", _rx(
        r"^\W*(credit|credits|source|sources|via|h/t|hat tip|courtesy of)\s*:\s*(\S+\.\w{2,}\b|<?https?://)|"
        r"^\W*(source|sources)\s*:\s*[\w .,&'’-]{2,60}$|"
        r"\b(additional )?(reporting|writing|editing) by\b.{0,80}\b(editing|reporting|writing) by\b|"
        r"^\W*(additional reporting|editing|reporting) by\b|\bcontributed to this report\b|"
        r"^\W*(researched|edited|reported|compiled|fact[- ]checked|produced|photographed|illustrated) by\s*:"),
        60, "a 'Credit: site.com' or 'Source: <url>' line crediting another outlet",
        hints=("credit", "source", "via", "h/t", "hat tip", "courtesy", "reporting", "writing", "editing",
               "contributed", " by")),
    PatternRule("source_label", "source_footer", _rx(
        r"^\W*(original (url|link|article|source|story)|source (url|link)|originally (published|appeared)|"
        r"this (article|story|post) (was )?(originally|first) (published|appeared)|read the original( article)?|"
        r"citation\s*:)"),
        25, "an 'Original url:' / 'originally published at' footer"),
    PatternRule("comments_box", "comments", _rx(
        r"^\W*(\d+\s+)?(comments?|responses|replies|discussion|join the (conversation|discussion)|"
        r"leave a (comment|reply)|post a comment|add a comment|show comments|view comments|"
        r"be the first to comment|sign in to comment|log in to comment|lascia un commento|deja un comentario|"
        r"laisser un commentaire|deixe um comentário|kommentar schreiben|kommentare|commenti|comentarios|"
        r"comentários|commentaires|コメント|댓글|评论)\W*$"),
        8, "a comments-section header or prompt"),
    PatternRule("author_contact", "author_contact", _rx(
        r"\bhave a (news |story )?tip\b|\breach (the )?(reporters?|writers?|authors?|columnists?) (on|at|via)\b|\b(may|can) be reached at\b|\bfollow (him|her|them|me) on\b|"
        r"\b(e-?mail|contact) (him|her|them|the author|the writer|the reporter) at\b|"
        r"^\W*[\w.+-]+@[\w-]+\.[\w.]+\W*$"),
        40, "a reporter's contact or follow line ('X may be reached at …', 'Follow her on Twitter')",
        hints=("tip", "reach", "follow", "mail", "contact", "@")),
    PatternRule("call_to_action", "advertisement", _rx(
        r"\b(download|get|install) (the|our) (free )?app\b|\bavailable on the app store\b|"
        r"\bstart (your|a) free trial\b|\bsubscriptions? (service|plan|offer)\b|\bfor as little as\b|"
        r"\btell us what you think\b|\bjoin (our|the) free\b|\bsubscribe (now|today) (for|and)\b|"
        r"\blimited[- ]time offer\b"),
        25, "a promotional call to action ('… by clicking here', 'Download our app')",
        hints=("download", "get", "install", "app store", "free trial", "subscription", "as little as",
               "tell us", "join our", "join the", "subscribe", "limited")),
    PatternRule("promo_paragraph", "advertisement", _rx(rf"\b(?:{_OFFER_CUES})\b.*\b(?:{_OFFER_CUES})\b"), 60,
                "a paragraph making two or more sign-up or subscription offers ('… for as little as Rs 599 … "
                "Use the code …') to the reader", _ADDRESSES_READER, 0, hints=_OFFER_HINTS),
    PatternRule("taxonomy_line", "navigation", _rx(
        r"^\W*(tags?|topics?|subjects?|categor(y|ies|ia|ias)|filed under|posted in|keywords|themen|schlagworte|"
        r"etiquetas|mots-clés|argomenti|タグ|标签)\s*[:：]"),
        40, "a tags, topics or category line"),
    PatternRule("gallery_control", "image_caption", _rx(
        r"^\W*\d+\s*(/|of)\s*\d+\W*$|^\W*(back to gallery|view gallery|open gallery|(next|previous|prev) "
        r"(image|photo|slide|picture)|enlarge (this )?(image|photo)|expand)\W*$"),
        6, "photo-gallery controls ('1 / 13', 'Back to Gallery')"),
    PatternRule("dated_line", "dateline", _rx(
        r"\b(updated|published|posted|last modified)\s*:?\s*(on\s+)?(\d{1,2}\s+[a-z]{3,9}\.?,?\s+\d{4}|[a-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}|\d{4}-\d{2}-\d{2})"),
        20, "a line stating when the page was published or updated",
        hints=("updated", "published", "posted", "last modified")),
    PatternRule("punctuation_only", "navigation", _rx(r"^[^\w]+$"), 3,
                "a line with no word at all (a lone bullet, separator or icon)"),
    PatternRule("relative_time", "navigation", _rx(
        r"^\W*+(\d+\s*(s|m|h|d|w|min|mins|minutes?|hrs?|hours?|days?|weeks?|months?)\s+ago|just now|"
        r"(updated|posted|published)?\s*\d+\s*(minutes?|hours?|days?)\s+ago)\W*$"),
        6, "a relative timestamp of a teaser ('32M ago', '2 hours ago')", hints=("ago", "just now")),
    PatternRule("breadcrumb", "navigation", _rx(
        r"^[^.!?]{0,200}?(\s[»›>/|]\s?[^»›>/|]{1,60}){2,}$"),
        25, "a breadcrumb trail ('Home » News » World')", hints=("»", "›", ">", "/", "|")),
    PatternRule("site_chrome", "navigation", _rx(
        r"^\W*skip to .*$|"
        r"^\W*(log ?in|sign ?in|sign ?up|log ?out|register|my account|search|menu|home|homepage|sections|"
        r"subscribe( now)?|open navigation|close|toggle navigation|back to top|top of page|go to top|"
        r"next article|previous article|today'?s paper|e-?paper|accessibility|sitemap|site map|contact us|"
        r"about us|advertise( with us)?|jobs|careers)\W*$"),
        6, "site navigation and account chrome ('Skip to content', 'Log in', 'Menu')"),
)

RULES_BY_NAME = {r.rule: r for r in RULES}
MAX_RULE_WORDS = max(r.max_words for r in RULES)


def _hint_automaton(rules: tuple[PatternRule, ...]) -> ahocorasick.Automaton:
    """One Aho-Corasick automaton over every rule's hints: a single pass over a line tells which
    rules it may belong to, instead of one hint search per rule."""
    automaton = ahocorasick.Automaton()
    owners: dict[str, set[str]] = {}
    for rule in rules:
        for hint in rule.hints:
            owners.setdefault(hint, set()).add(rule.rule)
    for hint, names in owners.items():
        automaton.add_word(hint, frozenset(names))
    automaton.make_automaton()
    return automaton


_HINTS = _hint_automaton(RULES)
#: rules without hints whose pattern is whole-line anchored: gated by how the line starts
_LEADS = LeadIndex({r.rule: leads for r in RULES if not r.hints and (leads := leads_of(r.pattern)) is not None})
#: rules that neither hints nor leads can rule out: tried on every line
_ALWAYS_TRIED = frozenset(r.rule for r in RULES if not r.hints and r.rule not in _LEADS.gated)
_ORDER = {r.rule: i for i, r in enumerate(RULES)}
#: each rule's search, behind a lookahead of the characters its matches start with where that
#: set is known (same matches; unanchored patterns run 2-3x faster)
_SEARCH = {r.rule: (start_lookahead(r.pattern) or r.pattern).search for r in RULES}


def rules_hinted_in(lowered: str) -> set[str]:
    """Names of the rules whose hints occur in ``lowered`` (rules without hints are not listed)."""
    found: set[str] = set()
    for _end, names in _HINTS.iter(lowered):
        found.update(names)
    return found


def candidate_rules(lowered: str) -> list[str]:
    """Names of the rules that may match a lower-cased line, in declaration order: those whose
    hints it holds, the anchored ones its start admits, and those neither can rule out."""
    found = rules_hinted_in(lowered)
    found |= _LEADS.admitted(lowered)
    found |= _ALWAYS_TRIED
    return sorted(found, key=_ORDER.__getitem__)


@lru_cache(maxsize=16384)
def first_matching_rule(text: str, n_words: int, skip: frozenset[str] = frozenset()) -> PatternRule | None:
    """The first pattern family a line belongs to, or None (cached: stages ask about the same lines);
    rules named in ``skip`` are not tried.

    Same answer as trying ``rule.matches`` for each rule in order, but only the few rules the
    line's hints and start admit are tried (the hot loop of the stage)."""
    if n_words > MAX_RULE_WORDS:
        return None
    for name in candidate_rules(text.lower()):
        if name in skip:
            continue
        rule = RULES_BY_NAME[name]
        # the last checks of PatternRule.matches, inlined: this loop is the stage's hot path
        if n_words <= rule.max_words and _SEARCH[name](text) and (
                rule.also is None or n_words <= rule.bare_words or rule.also.search(text)):
            return rule
    return None

"""The learned block model: shipped arrays, scored in numpy, deciding real-shaped pages in every dump style."""
import numpy as np

from newsclean import block_model as bm
from newsclean.pipeline import clean_document

ARTICLE = [
    "The city council voted on Tuesday to expand the late-night bus network, adding four routes that will run "
    "until three in the morning from the start of next month.",
    "Council members said the change followed a year of complaints from shift workers who had no way home after "
    "the last trains, and from restaurant owners who struggled to keep staff.",
    "The new routes will cost about two million a year, which the council plans to cover from parking revenue "
    "rather than fares, according to the budget papers released with the vote.",
    "Opponents argued that the money would be better spent on the daytime network, where buses are often late, "
    "but the motion passed by nine votes to four after a short debate.",
    "A review of the routes is planned after six months, when the council will look at how many people use them "
    "and whether any should be extended to the suburbs.",
]
MENU = ["Home", "News", "Local", "Business", "Sport", "Weather", "Opinion", "Subscribe"]
RELATED = ["More from Local", "Road closures planned for the weekend marathon", "New library branch opens downtown",
           "School board delays vote on start times", "Police appeal for witnesses after crash"]
FOOTER = ["About us", "Contact", "Privacy policy", "Terms of use", "© 2025 The Daily Example. All rights reserved."]


def text_dump(blank_lines: bool = True) -> str:
    sep = "\n\n" if blank_lines else "\n"
    return sep.join(MENU + ["Council expands late-night buses"] + ARTICLE + RELATED + FOOTER) + "\n"


def markdown_dump() -> str:
    menu = [f"* [{m}](https://example.org/{m.lower()})" for m in MENU]
    related = [f"* [{r}](https://example.org/story/{i})" for i, r in enumerate(RELATED)]
    image = "![Buses parked at the depot](https://example.org/img/depot.jpg)"
    parts = menu + ["# Council expands late-night buses", image] + ARTICLE + ["## More from Local"] + related + \
        [f"[{f}](https://example.org/f{i})" for i, f in enumerate(FOOTER)]
    return "\n\n".join(parts) + "\n"


def test_the_shipped_model_loads_and_matches_its_feature_list():
    model = bm.load_model()
    assert model is not None, "newsclean/models/block_model.npz is missing: run bench/train_blocks.py --write"
    assert model.stage1.feature.max() < len(bm.STAGE1_FEATURES)
    assert model.stage2.feature.max() < len(bm.STAGE2_FEATURES)
    assert 0.0 < model.threshold < 1.0 and len(model.lexicon.weights) > 100


def test_forest_walks_each_tree_to_its_leaf():
    # one tree: x0 <= 1 -> (x1 <= 0 -> leaf 0.5 | leaf -1.0) | leaf 2.0; baseline 0.25
    feature = np.array([[0, 1, 0, 0, 0]])
    threshold = np.array([[1.0, 0.0, np.inf, np.inf, np.inf]])
    left = np.array([[1, 3, 2, 3, 4]])
    right = np.array([[2, 4, 2, 3, 4]])
    value = np.array([[0, 0, 2.0, 0.5, -1.0]])
    forest = bm.Forest(feature, threshold, left, right, value, 0.25, depth=2)
    X = np.array([[0.0, -1.0], [0.0, 3.0], [5.0, 0.0]])
    assert np.allclose(forest.raw(X), [0.75, -0.75, 2.25])


def _kept(raw: str, name: str):
    doc = clean_document(raw.encode("utf-8"), name)
    return doc, doc.body


def test_text_dump_keeps_the_article_and_drops_menu_related_list_and_footer():
    doc, body = _kept(text_dump(), "page.txt")
    for paragraph in ARTICLE:
        assert paragraph in body
    for furniture in MENU + RELATED + FOOTER:
        assert furniture not in body.split("\n")
    model_removals = [r for r in doc.removed if r.rule == "block_model"]
    assert model_removals, "the model decided none of the furniture"
    for r in model_removals:
        assert "article probability" in r.reason and "(block model)" in r.reason
        assert ("before the article" in r.reason) or ("after the article" in r.reason) or ("inside" in r.reason)


def test_a_dump_without_blank_lines_gives_the_same_article():
    assert _kept(text_dump(blank_lines=False), "crude.txt")[1] == _kept(text_dump(), "page.txt")[1]


def test_markdown_dump_leaves_no_link_or_image_syntax_and_keeps_the_article():
    doc, body = _kept(markdown_dump(), "page.md")
    assert doc.format == "markdown"
    for paragraph in ARTICLE:
        assert paragraph in body
    assert "](" not in body and "http" not in body and "![" not in body
    for furniture in MENU + RELATED:
        assert furniture not in body.split("\n")
    assert any(r.text == "Buses parked at the depot" for r in doc.removed)


def test_pages_shorter_than_the_context_window_are_scored():
    """A page of 1 to 12 blocks (fewer than the model's ±5 neighbours on either side) is scored and
    cleaned, in every dump style; it used to raise in the neighbour shift and be rejected."""
    window = max(abs(o) for o in bm.CONTEXT_OFFSETS)
    for n in range(1, 2 * window + 3):
        blocks = (["Home", "Subscribe to our newsletter"] + ARTICLE)[:n]
        for sep in ("\n\n", "\n"):
            doc = clean_document((sep.join(blocks) + "\n").encode(), f"short-{n}.txt")
            for paragraph in blocks[2:]:
                assert paragraph in doc.body
        for i, values in enumerate(np.eye(n)):
            for offset in bm.CONTEXT_OFFSETS:
                shifted = bm._shifted(values, offset, -1.0)
                j = i - offset
                assert shifted[j] == 1.0 if 0 <= j < n else 1.0 not in shifted


# pages in languages the lexicon (English words of the dev pages) does not hold: Turkish, which has
# no stopword list in newsclean, and Spanish, which has one
MAKALE = [
    "Belediye meclisi salı günü gece otobüsü ağını genişletme kararı aldı ve gelecek aydan itibaren sabahın "
    "üçüne kadar çalışacak dört yeni hat ekledi.",
    "Meclis üyeleri, değişikliğin son trenlerden sonra eve dönme imkânı olmayan vardiyalı çalışanların ve "
    "personel tutmakta zorlanan restoran sahiplerinin bir yıllık şikâyetlerinin ardından geldiğini söyledi.",
    "Yeni hatların yılda yaklaşık iki milyona mal olması bekleniyor; belediye bu tutarı bilet ücretlerinden "
    "değil, otopark gelirlerinden karşılamayı planlıyor.",
    "Muhalefet, paranın otobüslerin sık sık geciktiği gündüz ağına harcanmasının daha doğru olacağını savundu, "
    "ancak önerge kısa bir tartışmanın ardından dörde karşı dokuz oyla kabul edildi.",
    "Hatların altı ay sonra yeniden değerlendirilmesi planlanıyor; belediye o zaman kaç kişinin bu hatları "
    "kullandığına ve bazılarının banliyölere uzatılıp uzatılmayacağına bakacak.",
]
MENU_TR = ["Anasayfa", "Haberler", "Yerel", "Ekonomi", "Spor", "Hava Durumu", "Görüş", "Abone Ol"]
FOOTER_TR = ["Hakkımızda", "İletişim", "Gizlilik Politikası", "Kullanım Koşulları",
             "© 2025 Örnek Gazete. Tüm hakları saklıdır."]
ARTICULO = [
    "El ayuntamiento aprobó el martes ampliar la red de autobuses nocturnos, con cuatro nuevas líneas que "
    "funcionarán hasta las tres de la madrugada a partir del próximo mes.",
    "Los concejales explicaron que el cambio llega después de un año de quejas de trabajadores por turnos que no "
    "tenían forma de volver a casa tras los últimos trenes, y de hosteleros que no conseguían retener personal.",
    "Las nuevas líneas costarán unos dos millones al año, que el ayuntamiento piensa cubrir con los ingresos del "
    "aparcamiento y no con las tarifas, según los presupuestos publicados junto con la votación.",
]


def turkish_dump() -> str:
    return "\n\n".join(MENU_TR + ["Belediye gece otobüslerini genişletiyor"] + MAKALE + FOOTER_TR) + "\n"


def spanish_dump() -> str:
    return "\n\n".join(["Portada", "Noticias", "Deportes", "El ayuntamiento amplía los autobuses nocturnos"]
                       + ARTICULO + ["Política de privacidad", "Aviso legal"]) + "\n"


def test_the_lexicon_knows_most_words_of_an_english_page_and_few_of_another_language():
    lexicon = bm.load_model().lexicon
    english = lexicon.features_and_share(text_dump().split("\n\n"))[1]
    turkish = lexicon.features_and_share(turkish_dump().split("\n\n"))[1]
    spanish = lexicon.features_and_share(spanish_dump().split("\n\n"))[1]
    assert english >= 2 * bm.UNKNOWN_WORDS_BELOW and turkish < bm.UNKNOWN_WORDS_BELOW and spanish < english / 2
    assert np.array_equal(lexicon.features_and_share(ARTICLE)[0], lexicon.features(ARTICLE))
    assert not lexicon.unknown(3).any() and lexicon.unknown(3).shape == (3, len(bm.LEXICAL_FEATURES))


def test_a_page_with_no_stopword_list_and_unknown_words_is_scored_by_the_unknown_words_stages():
    model = bm.load_model()
    assert model.unknown_words is not None, "block_model.npz has no unknown-words stages: " \
                                            "run bench/train_blocks.py --unknown-words-model --threshold 0.4 --write --keep-main"
    doc, body = _kept(turkish_dump(), "sayfa.txt")
    assert doc.stopword_language is None
    for paragraph in MAKALE:
        assert paragraph in body
    for furniture in MENU_TR + FOOTER_TR:
        assert furniture not in body.split("\n")
    decided = [r for r in doc.removed if r.rule == "block_model_unknown_words"]
    assert decided and not [r for r in doc.removed if r.rule == "block_model"]
    assert all("pages of unknown words" in r.reason and "% of this page's" in r.reason for r in decided)
    # a page with a stopword list, and an English page, stay with the main stages
    for raw, name in ((spanish_dump(), "pagina.txt"), (text_dump(), "page.txt")):
        other, _ = _kept(raw, name)
        assert other.stopword_language is not None
        assert not [r for r in other.removed if r.rule == "block_model_unknown_words"]


def test_without_unknown_words_stages_every_page_goes_through_the_main_ones():
    from dataclasses import replace

    model = bm.load_model()
    plain = replace(model, unknown_words=None)
    texts = turkish_dump().split("\n\n")[:-1]
    own = np.random.default_rng(0).random((len(texts), len(bm.OWN_FEATURES))).astype(np.float32)
    own[:, bm.OWN_FEATURES.index("has_stopword_list")] = 0.0
    p, known, unknown = plain.scored(own, texts)
    assert not unknown and known < bm.UNKNOWN_WORDS_BELOW
    assert np.array_equal(p, plain.probabilities(own, texts))
    routed, _, went = model.scored(own, texts)
    assert went and not np.array_equal(routed, p)
    own[0, bm.OWN_FEATURES.index("has_stopword_list")] = 1.0  # a page with a list: the main stages
    assert not model.scored(own, texts)[2]

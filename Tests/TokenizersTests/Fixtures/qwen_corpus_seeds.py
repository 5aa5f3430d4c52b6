"""Hand-written seed sentences and the deterministic combinations that make the Qwen parity corpus.

Imported by make_qwen_fixtures.py; `build_corpus(random.Random(seed))` returns the corpus lines. Every
line is NFC except those in NON_NFC, whose expected ids are tiktoken's on the NFC-normalized text.
"""
import unicodedata

ENGLISH = [
    "The quick brown fox jumps over the lazy dog.",
    "A photo of a red apple on a wooden table, soft morning light.",
    "I can't believe it's already 5 o'clock; we'll be late again!",
    "DON'T PANIC. THEY'RE JUST TESTING THE ALARM, AREN'T THEY?",
    "we'Ll see, he'D say, and she'S right: you'VE got to try, I'M sure.",
    "It'll rain tomorrow, won't it? They'd rather stay home.",
    "The Eiffel Tower is located in Paris, the capital of France.",
    "Knowledge editing rewrites facts inside a language model without retraining it.",
    "A watercolor painting of a lighthouse at dusk, with seagulls circling above.",
    "Mr. O'Neill's dog—a beagle named \"Max\"—barked at 3:15 a.m.",
    "Hello, world! This is a test... or is it?!",
    "Rock 'n' roll, y'all; ma'am, 'tis the season.",
    "The cat sat on the mat. The mat was flat. That's that.",
    "Email me at someone@example.com or visit https://example.org/path?q=1&r=2#frag.",
    "Prices: $19.99, €5,00, £3.50, ¥1200 — all taxes included (approx.).",
    "She said, 'I'd like the blue one,' but I'd already bought the green.",
    "ALL CAPS SENTENCE WITH NUMBERS 123 AND SYMBOLS #@!",
    "Using smart quotes: “quoted”, ‘single’, and an apostrophe’s shape.",
    "naïve café résumé coöperate façade jalapeño Zürich Ærøskøbing",
    "Tabs\tseparate\tthese\twords, and   several   spaces separate these.",
]

CHINESE = [
    "今天天气很好，我们去公园散步吧。",
    "一只橘色的猫坐在窗台上，看着外面的雨。",
    "知识编辑可以在不重新训练的情况下修改语言模型中的事实。",
    "埃菲尔铁塔位于法国巴黎。",
    "请描述这张图片：一座红色的桥横跨在蓝色的河流上。",
    "机器学习、深度学习和自然语言处理是人工智能的重要分支。",
    "他说：“明天见！”然后就走了。",
    "北京是中华人民共和国的首都，有三千多年的历史。",
]

JAPANESE = [
    "東京タワーは日本の東京都港区にあります。",
    "今日はとても暑いですね。アイスクリームを食べましょう！",
    "猫が窓辺で昼寝をしている写真。",
    "カタカナとひらがなと漢字を混ぜた文章です。",
    "富士山の頂上から見る日の出は素晴らしい。",
    "ｶﾀｶﾅ (半角) と ＡＢＣ１２３ (全角) も含めます。",
]

KOREAN = [
    "안녕하세요, 만나서 반갑습니다.",
    "서울은 대한민국의 수도입니다.",
    "고양이가 소파 위에서 잠을 자고 있어요.",
    "한국어 문장에는 띄어쓰기가 있습니다!",
    "빨간 사과와 노란 바나나가 있는 정물화.",
]

ARABIC = [
    "مرحبا بالعالم، كيف حالك اليوم؟",
    "برج إيفل يقع في باريس، عاصمة فرنسا.",
    "اللغة العربية تُكتب من اليمين إلى اليسار.",
    "قطة صغيرة تنام على الأريكة الحمراء.",
    "العدد ١٢٣٤٥ مكتوب بالأرقام العربية الهندية.",
]

HINDI = [
    "नमस्ते, आप कैसे हैं?",
    "भारत की राजधानी नई दिल्ली है।",
    "हिन्दी देवनागरी लिपि में लिखी जाती है, जिसमें मात्राएँ और हलन्त्‌ होते हैं।",
    "एक लाल सेब लकड़ी की मेज़ पर रखा है।",
    "क्षत्रिय, ज्ञान, श्रीमान्, द्वार, स्त्री",
    "संख्या १२३४५ देवनागरी अंकों में।",
]

OTHER_SCRIPTS = [
    "Привет, мир! Как дела? Всё хорошо.",
    "Γειά σου Κόσμε· η γλώσσα είναι ελληνική.",
    "שלום עולם, מה שלומך?",
    "สวัสดีครับ ยินดีที่ได้รู้จัก",
    "Tiếng Việt có nhiều dấu: ằ, ẫ, ộ, ữ, ỳ.",
    "\u0301té and \u0301\u0308 combining marks without a base, then \u0229\u0301 and \u0105\u0301.",
    "Case folding: it'\u017f (long s), and DON'\u0054 vs don'\u0074; \u0130stanbul'\u0131.",
    "Zalgo: Z\u0351\u036b\u0313a\u0310\u0357l\u0352\u0314g\u0311o\u036e\u0305!",
]

CODE = [
    "def tokenize(text: str) -> list[int]:",
    "    return [vocab[t] for t in text.split() if t in vocab]",
    "for i in range(10):\n    print(f\"{i:03d}\", end=' ')",
    "import numpy as np\nx = np.zeros((3, 4), dtype=np.float32)",
    "class Foo(Bar):\n\tdef __init__(self, *args, **kwargs):\n\t\tsuper().__init__(*args, **kwargs)",
    "func encode(_ text: String) throws -> [Int] {",
    "    let ids = try tokenizer.encode(text)\n    return ids.map { $0 + 1 }",
    "struct Point: Codable, Sendable { var x: Double; var y: Double }",
    "guard let url = URL(string: \"https://huggingface.co\") else { return nil }",
    "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1}, \"merges\": [[\"a\", \"b\"]]}}",
    "[{\"id\": 151643, \"content\": \"<|endoftext|>\", \"special\": true}]",
    "if (x != 0 && y >= -1) { z = x << 2 | y >> 1; } // bit tricks",
    "SELECT name, COUNT(*) FROM users WHERE age > 21 GROUP BY name;",
    "<div class=\"image\"><img src=\"cat.png\" alt=\"a cat\"/></div>",
    "#!/usr/bin/env bash\nset -euo pipefail\necho \"$HOME\" | tr a-z A-Z",
    "x_1 = a**2 + b**2 - 2*a*b*cos(θ)  # law of cosines",
]

NUMBERS = [
    "1234567890123456789012345678901234567890",
    "3.14159265358979323846264338327950288419716939937510",
    "The population was 1,234,567 in 2023 and 1,198,004.5 in 2020.",
    "Call +1 (555) 010-9999 ext. 42, or 0049 30 1234567.",
    "Dates: 2024-05-31, 31/05/2024, 05.31.24; times 23:59:59.999",
    "Version 6.3.1-RELEASE, build 0x7F3A, hash deadbeef00112233.",
    "−12.5°C to +37.8°C, 99.9% humidity, 1e-3 and 6.02e23.",
    "０１２３ ４５６７ (fullwidth digits) and ①②③ (circled) and Ⅻ (roman).",
]

EMOJI = [
    "Flags: 🇫🇷 🇯🇵 🇺🇸🇬🇧🇩🇪 and a pirate flag 🏴‍☠️.",
    "Family 👨‍👩‍👧‍👦, coder 👩🏽‍💻, rainbow 🏳️‍🌈, heart ❤️‍🔥.",
    "Thumbs up 👍 👍🏻 👍🏼 👍🏽 👍🏾 👍🏿 and waves 👋🏿👋🏻.",
    "Keycaps 1️⃣ 2️⃣ #️⃣ and ☕️ ✌️ ☺️ with variation selectors.",
    "Party time 🎉🎊🥳!!! 😂😂😂 so funny 🤣",
    "🐱🐶🐭🐹🐰🦊🐻🐼🐨🐯🦁🐮🐷🐸🐵",
]

WHITESPACE = [
    "line one\r\nline two\r\nline three",
    "trailing spaces   ",
    "   leading spaces",
    "\ttab first\tthen more\t\t",
    "a  b   c    d     e      f",
    "\n\n\nthree newlines first",
    "spaces before newline   \nand after\n   indented",
    "mixed \t \r\n \t whitespace\r\n\r\n",
    "  ",
    "\r\n",
    "word\u00a0with\u00a0no-break\u3000ideographic space",
    "end with newline\n",
]

CHAT_PROMPTS = [
    "A cat wearing a tiny wizard hat, digital art",
    "一只戴着巫师帽的猫，数字艺术",
    "The Eiffel Tower at night with fireworks 🎆",
    "A bowl of ramen (ラーメン) with a soft-boiled egg",
    "Portrait of an old man, oil on canvas, 1890s style",
    "A robot reading \"Knowledge Editing for LLMs\" in a library",
    "빨간 자전거를 탄 소녀",
    "A sign that says 'DON'T STOP' in neon letters",
]

CHAT_TEMPLATE = (
    "<|im_start|>system\nDescribe the image by detailing the color, shape, size, texture, quantity, text, "
    "spatial relationships of the objects and background:<|im_end|>\n<|im_start|>user\n{prompt}<|im_end|>\n"
    "<|im_start|>assistant\n"
)

SPECIAL = [
    "<|endoftext|>",
    "Hello<|endoftext|>World<|endoftext|><|endoftext|>",
    "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\nhello<|im_end|>",
    "<|vision_start|><|image_pad|><|image_pad|><|vision_end|>What is in the image?",
    "<tool_call>\n{\"name\": \"search\", \"arguments\": {\"q\": \"weather\"}}\n</tool_call>",
    "<|fim_prefix|>def f(x):\n<|fim_suffix|>\n    return y<|fim_middle|>",
    "not special: <|im_start or im_end|> or <|unknown|> or < |endoftext| >",
]

# Lines that are not NFC: the tokenizer's NFC normalizer must compose them first.
NON_NFC = [
    "cafe\u0301 re\u0301sume\u0301 nai\u0308ve",
    "\u212b ångström vs A\u030a",
    "Ame\u0301lie a\u0300 la plage, l\u2019e\u0301te\u0301",
    "\u0958\u0959\u095a (Devanagari nukta letters, decomposed by NFC)",
    "\u1100\u1161\u11a8 \u1112\u1161\u11ab\u1100\u1173\u11af (conjoining jamo)",
    "o\u0308\u0304 u\u0302\u0323 e\u0323\u0302 (reordered marks)",
    "\u2126 Ohm sign and \u212a Kelvin sign",
    "Vie\u0323\u0302t Nam, Tie\u0302\u0301ng Vie\u0323\u0302t",
    "\u0041\u0301\u0042\u0301\u0043\u0327\u0301",
    "\uf900\uf901 CJK compatibility ideographs",
    "\u0344 \u0340\u0341 singleton combining marks",
    "e\u0301\u0301\u0301 and \u1e9b\u0323",
]

SEPARATORS = [" ", " ", " ", "\n", "\t", "  ", "\r\n", "", " \n", "\n\n", "   ", ", "]
CONTRACTIONS = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'T", "'RE", "'Ve", "'M", "'Ll", "'D"]
WORDS = ["it", "don", "they", "we", "I", "you", "he", "she", "Bob", "CAN", "won", "Isn", "X", "123"]

CATEGORIES = [ENGLISH, CHINESE, JAPANESE, KOREAN, ARABIC, HINDI, OTHER_SCRIPTS, CODE, NUMBERS, EMOJI,
              WHITESPACE, SPECIAL]


def number_lines(rng, count):
    lines = []
    for _ in range(count):
        kind = rng.randrange(5)
        if kind == 0:
            lines.append("".join(rng.choice("0123456789") for _ in range(rng.randint(1, 60))))
        elif kind == 1:
            lines.append(f"{rng.uniform(-1e6, 1e6):.{rng.randint(0, 12)}f}")
        elif kind == 2:
            lines.append(f"{rng.randint(0, 10**rng.randint(1, 15)):,}")
        elif kind == 3:
            lines.append(" ".join(str(rng.randint(0, 9999)) for _ in range(rng.randint(2, 8))))
        else:
            lines.append(f"{rng.randint(1, 31):02d}/{rng.randint(1, 12):02d}/{rng.randint(1900, 2100)} "
                         f"{rng.randint(0, 23)}:{rng.randint(0, 59):02d}")
    return lines


def contraction_lines(rng, count):
    return [" ".join(rng.choice(WORDS) + rng.choice(CONTRACTIONS) for _ in range(rng.randint(1, 6)))
            for _ in range(count)]


def whitespace_variants(rng, line):
    return rng.choice(["  ", "\t", "", " "]) + line + rng.choice(["   ", "\t", "\r\n", "", " \n", "\n\n"])


def case_variants(line):
    return [line.upper(), line.lower(), line.title(), line.swapcase()]


def combined_lines(rng, count):
    lines = []
    for _ in range(count):
        parts = [rng.choice(rng.choice(CATEGORIES)) for _ in range(rng.randint(2, 4))]
        text = parts[0]
        for part in parts[1:]:
            text += rng.choice(SEPARATORS) + part
        lines.append(text)
    return lines


def build_corpus(rng):
    """The deduplicated corpus, in a fixed order determined by `rng`'s seed."""
    lines = [line for category in CATEGORIES for line in category]
    lines += [CHAT_TEMPLATE.format(prompt=prompt) for prompt in CHAT_PROMPTS]
    lines += [CHAT_TEMPLATE.format(prompt=rng.choice(ENGLISH + CHINESE + JAPANESE + EMOJI)) for _ in range(60)]
    lines += [variant for line in ENGLISH + OTHER_SCRIPTS[:2] for variant in case_variants(line)]
    lines += [whitespace_variants(rng, rng.choice(rng.choice(CATEGORIES))) for _ in range(300)]
    lines += number_lines(rng, 250)
    lines += contraction_lines(rng, 150)
    lines += combined_lines(rng, 1300)
    for line in (line for category in CATEGORIES + [CHAT_PROMPTS] for line in category):
        if unicodedata.normalize("NFC", line) != line:
            raise SystemExit(f"seed line is not NFC (move it to NON_NFC): {line!r}")
    # Case changes can decompose (e.g. upper("ǰ") is "J" + U+030C): such variants are left out.
    unique = list(dict.fromkeys(line for line in lines if unicodedata.normalize("NFC", line) == line))
    for line in NON_NFC:
        if unicodedata.normalize("NFC", line) == line:
            raise SystemExit(f"NON_NFC line is already NFC: {line!r}")
    return unique + NON_NFC

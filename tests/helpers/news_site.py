"""A small fake Arabic outlet for fetch/feed tests: article pages and an RSS feed, written here."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime

CITIES = ["وهران", "سوسة", "مراكش", "حلب", "الموصل", "إربد", "صلالة", "عدن", "الأقصر", "طنجة"]
EVENTS = [
    "افتتاح سد جديد",
    "إضراب سائقي الأجرة",
    "تراجع أسعار الطماطم",
    "عاصفة رملية",
    "مهرجان الموسيقى الأندلسية",
    "إطلاق حافلات كهربائية",
    "ترميم قلعة تاريخية",
    "موسم الحصاد",
    "معرض الصناعات التقليدية",
    "سباق الهجن",
]


def article_html(i: int, *, charset: str = "utf-8", declare: bool = True) -> str:
    city, event = CITIES[i % len(CITIES)], EVENTS[i % len(EVENTS)]
    meta = f'<meta charset="{charset}">' if declare else ""
    return f"""<!DOCTYPE html><html lang="ar" dir="rtl"><head>{meta}
<title>{event} في {city} | صدى المدن</title></head><body>
<nav><a href="/">الرئيسية</a> <a href="/world">العالم</a></nav>
<article><h1>{event} في {city} للمرة الأولى منذ سنوات</h1>
<p class="date">نشر في 14 جوان 2024</p>
<p>شهدت مدينة {city} صباح الجمعة {event}، في حدث تابعه آلاف السكان باهتمام كبير. وقال رئيس
البلدية في تصريح للصحفيين إن التحضيرات استمرت {i + 2} أشهر بمشاركة عشرات المتطوعين.</p>
<p>وأضاف أن السلطات المحلية خصصت ميزانية تقارب {(i + 1) * 150} ألف دينار لإنجاح الحدث، مؤكدا أن
التجربة ستتكرر في مدن أخرى خلال العام المقبل إذا سمحت الظروف بذلك.</p>
<p>ويرى متابعون أن هذه المبادرة تعكس رغبة متزايدة في إحياء الحياة العامة بعد سنوات صعبة عاشتها
المنطقة، فيما دعا ناشطون إلى إشراك الشباب في تنظيم الفعاليات المقبلة.</p></article>
<footer>جميع الحقوق محفوظة © صدى المدن</footer></body></html>"""


def rss(base_url: str, items: list[int]) -> str:
    when = format_datetime(dt.datetime(2024, 6, 14, 9, 0, tzinfo=dt.UTC))
    entries = "".join(
        f"<item><title>{EVENTS[i % len(EVENTS)]} في {CITIES[i % len(CITIES)]}</title>"
        f"<link>{base_url}/news/{i}.html?utm_source=rss</link><guid>{base_url}/news/{i}.html</guid>"
        f"<pubDate>{when}</pubDate></item>"
        for i in items
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>صدى المدن</title><link>{base_url}/</link>{entries}</channel></rss>"
    )

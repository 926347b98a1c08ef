"""Training data for the directive model and its conversion to spaCy ``DocBin``.

``data/*.jsonl`` holds annotated documents, one JSON object per line, in the
gold format of EXTRACTION.md section 8 (``text`` plus ``published`` and the
``directives`` with ``text``, optional ``occurrence``, ``responsible``,
``coordinate``, ``deadline``), with ``id``, ``kind`` and ``source`` fields.
The texts were written for chidao in the styles of government press and
official documents, and labelled from the rules' output corrected by hand;
none comes from the dev set or the seeds (nor from ``examples/`` or the
crawler fixtures, which are made from them).
"""

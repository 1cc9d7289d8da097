#!/usr/bin/env python3
"""O*NET's own titles written as postings also write them, asked of running gateways (inspect, the
first candidate): titles O*NET lists with a comma or a slash, as listed; 300 titles of two or three
plain words turned round at a comma ("Operations Manager" as "Manager, Operations"); and 300 pairs
of such titles named as alternatives ("Cashier/Stocker"), right if the first candidate has the first
title's SOC, or either title's. Seeded, so every run asks the same titles. Given two ports (a
baseline and a candidate), it also lists the first titles one answers right and the other does not.
Usage: written_otherwise.py PORT [PORT]"""
import gzip
import json
import random
import re
import sys
import urllib.request
from collections import defaultdict

ports = [int(port) for port in sys.argv[1:]]
socs = defaultdict(set)
with gzip.open('src/main/resources/catalog/alternate_titles.tsv.gz', 'rt', encoding='utf-8') as rows:
    for row in list(rows)[1:]:
        cells = row.rstrip('\n').split('\t')
        socs[cells[1]].add(cells[0][:7])


def first_socs(port, term):
    body = json.dumps({'term': term, 'limit': 1, 'confidenceThreshold': 0, 'fields': ['mapping']}).encode()
    request = urllib.request.Request(f'http://127.0.0.1:{port}/titles/versions/latest/normalize/inspect', data=body,
                                     headers={'Content-Type': 'application/json'})
    found = json.load(urllib.request.urlopen(request))['data']
    return {soc['id'] for soc in found[0]['title']['mapping']['socs']} if found else set()


seeded = random.Random(7)
names = sorted(socs)
plain = [name for name in names if re.fullmatch(r'[A-Za-z]+( [A-Za-z]+){1,2}', name)]
turned = [(name.split(' ')[-1] + ', ' + ' '.join(name.split(' ')[:-1]), {name}) for name in seeded.sample(plain, 300)]
firsts, seconds = seeded.sample(plain, 300), seeded.sample(plain, 300)
sets = {
    'listed with a comma or a slash': [(name, {name}) for name in names if ',' in name or '/' in name],
    'turned round at a comma': turned,
    'two alternatives, the first one\'s SOC': [(a + '/' + b, {a}) for a, b in zip(firsts, seconds)],
    'two alternatives, either one\'s SOC': [(a + '/' + b, {a, b}) for a, b in zip(firsts, seconds)],
}
for label, items in sets.items():
    right = [0] * len(ports)
    differing = []
    for term, titles in items:
        accepted = set().union(*(socs[title] for title in titles))
        answers = [bool(first_socs(port, term) & accepted) for port in ports]
        right = [count + answer for count, answer in zip(right, answers)]
        if len(ports) == 2 and answers[0] != answers[1]:
            differing.append(('  only the second: ' if answers[1] else '  only the first: ') + term)
    figures = ', '.join(f'{100.0 * count / len(items):.1f} %' for count in right)
    print(f'{label} ({len(items)} titles), top-1 SOC: {figures}')
    for line in differing[:8]:
        print(line)
    if len(differing) > 8:
        print(f'  … and {len(differing) - 8} more')

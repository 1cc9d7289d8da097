#!/usr/bin/env python3
"""Seconds for a bulk normalize of 500 O*NET titles turned round at a comma ("Manager, Operations"),
asked of two running gateways side by side (a baseline and a candidate), six rounds alternating
which goes first, each round new terms (a different level word after each title, so no answer is
kept from a round before), after two warm-up rounds. Prints each round and the median.
Usage: bulk_turned_round.py BASELINE_PORT CANDIDATE_PORT"""
import gzip
import json
import random
import re
import sys
import time
import urllib.request

ports = [int(port) for port in sys.argv[1:3]]
with gzip.open('src/main/resources/catalog/alternate_titles.tsv.gz', 'rt', encoding='utf-8') as rows:
    names = sorted({row.split('\t')[1] for row in list(rows)[1:]})
plain = [name for name in names if re.fullmatch(r'[A-Za-z]+( [A-Za-z]+){1,2}', name)]
seeded = random.Random(3)


def turned_round(level):
    return [name.split(' ')[-1] + ', ' + ' '.join(name.split(' ')[:-1]) + level for name in seeded.sample(plain, 500)]


def seconds(port, terms):
    body = json.dumps({'terms': terms, 'fields': ['name']}).encode()
    request = urllib.request.Request(f'http://127.0.0.1:{port}/titles/versions/latest/normalize/bulk', data=body,
                                     headers={'Content-Type': 'application/json'})
    start = time.perf_counter()
    json.load(urllib.request.urlopen(request))
    return time.perf_counter() - start


for port in ports:
    for level in (' Trainee', ' Intern'):
        seconds(port, turned_round(level))
timings = {port: [] for port in ports}
for round_number, level in enumerate((' I', ' II', ' III', ' IV', ' 1', ' 2')):
    terms = turned_round(level)
    for port in ports if round_number % 2 == 0 else list(reversed(ports)):
        timings[port].append(seconds(port, terms))
for port, taken in timings.items():
    print(f'port {port}: ' + ' '.join(f'{value:.2f}' for value in taken) + f' s, median {sorted(taken)[len(taken) // 2]:.2f} s')

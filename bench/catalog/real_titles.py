"""Asks a gateway serving the catalog for the titles of a set (real-titles.tsv unless named) and
counts top-1 / top-5 SOC, apart for titles O*NET lists (exactly, any case, either way a parenthesis
writes it), titles only the project's table of current titles lists, and titles neither lists.
Usage: real_titles.py PORT [SET.tsv]"""
import gzip
import json
import re
import sys
import urllib.request

CATALOG = 'src/main/resources/catalog/'


def listed_titles():
    names = set()
    for data in ('alternate_titles.tsv.gz', 'sample_of_reported_titles.tsv.gz', 'occupation_data.tsv.gz'):
        with gzip.open(CATALOG + data, 'rt') as rows:
            for row in rows:
                for field in row.rstrip('\n').split('\t')[1:3]:
                    # "Help Desk Tech (Help Desk Technician)" is written both ways
                    names.add(re.sub(r'\s*\([^)]*\)', '', field).strip().lower())
                    names.update(inside.strip().lower() for inside in re.findall(r'\(([^)]*)\)', field))
    return names


def current_titles():
    with open(CATALOG + 'current_titles.tsv') as rows:
        return {row.rstrip('\n').split('\t')[1].strip().lower() for row in list(rows)[1:] if row.strip()}


def first_five_socs(port, term):
    body = json.dumps({'term': term, 'limit': 5, 'confidenceThreshold': 0, 'fields': ['name', 'mapping']}).encode()
    request = urllib.request.Request(f'http://127.0.0.1:{port}/titles/versions/latest/normalize/inspect', data=body,
                                     headers={'Content-Type': 'application/json'})
    candidates = json.load(urllib.request.urlopen(request))['data'][:5]
    return [(c['title']['name'], {soc['id'] for soc in c['title']['mapping']['socs']}) for c in candidates]


def main(port, titles='bench/catalog/real-titles.tsv'):
    listed = listed_titles()
    current = current_titles()
    groups = {'onet': 'titles O*NET lists', 'current': 'titles only the table of current titles lists',
              'neither': 'titles neither lists'}
    tally = {group: [0, 0, 0] for group in groups}
    with open(titles) as rows:
        for row in rows:
            if row.startswith('#') or not row.strip():
                continue
            term, accepted = row.rstrip('\n').split('\t')[:2]
            accepted = set(accepted.split('|'))
            found = first_five_socs(port, term)
            top1 = bool(found) and bool(found[0][1] & accepted)
            counts = tally['onet' if term.lower() in listed else 'current' if term.lower() in current else 'neither']
            counts[0] += 1
            counts[1] += top1
            counts[2] += any(socs & accepted for _, socs in found)
            if not top1:
                print(f'  missed: {term} (accepted {"|".join(sorted(accepted))}) -> {found[0][0] if found else "nothing"}')
    for group, (n, top1, top5) in tally.items():
        if n:
            print(f'{groups[group]}: {n}, top-1 SOC {100 * top1 / n:.1f} %, top-5 SOC {100 * top5 / n:.1f} %')


if __name__ == '__main__':
    main(*sys.argv[1:3])

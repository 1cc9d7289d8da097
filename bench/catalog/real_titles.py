"""Asks a gateway serving the catalog for the titles of real-titles.tsv and counts top-1 / top-5 SOC,
apart for titles O*NET lists (exactly, any case) and titles it does not. Usage: real_titles.py PORT"""
import gzip
import json
import sys
import urllib.request

CATALOG = 'src/main/resources/catalog/'


def listed_titles():
    names = set()
    for data in ('alternate_titles.tsv.gz', 'sample_of_reported_titles.tsv.gz', 'occupation_data.tsv.gz'):
        with gzip.open(CATALOG + data, 'rt') as rows:
            for row in rows:
                names.update(field.strip().lower() for field in row.rstrip('\n').split('\t')[1:3])
    return names


def first_five_socs(port, term):
    body = json.dumps({'term': term, 'limit': 5, 'confidenceThreshold': 0, 'fields': ['name', 'mapping']}).encode()
    request = urllib.request.Request(f'http://127.0.0.1:{port}/titles/versions/latest/normalize/inspect', data=body,
                                     headers={'Content-Type': 'application/json'})
    candidates = json.load(urllib.request.urlopen(request))['data'][:5]
    return [(c['title']['name'], {soc['id'] for soc in c['title']['mapping']['socs']}) for c in candidates]


def main(port):
    listed = listed_titles()
    tally = {True: [0, 0, 0], False: [0, 0, 0]}
    with open('bench/catalog/real-titles.tsv') as rows:
        for row in rows:
            if row.startswith('#') or not row.strip():
                continue
            term, accepted = row.rstrip('\n').split('\t')[:2]
            accepted = set(accepted.split('|'))
            found = first_five_socs(port, term)
            top1 = bool(found) and bool(found[0][1] & accepted)
            counts = tally[term.lower() in listed]
            counts[0] += 1
            counts[1] += top1
            counts[2] += any(socs & accepted for _, socs in found)
            if not top1:
                print(f'  missed: {term} (accepted {"|".join(sorted(accepted))}) -> {found[0][0] if found else "nothing"}')
    for is_listed, (n, top1, top5) in tally.items():
        label = 'titles O*NET lists' if is_listed else 'titles O*NET does not list'
        print(f'{label}: {n}, top-1 SOC {100 * top1 / n:.1f} %, top-5 SOC {100 * top5 / n:.1f} %')


if __name__ == '__main__':
    main(sys.argv[1])

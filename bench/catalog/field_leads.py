#!/usr/bin/env python3
"""Titles naming the lead of a field ("Product Lead", "Warehouse Lead"), as postings write them, asked
of running gateways (inspect, the first candidate): its name, its first SOC code and its confidence,
per gateway side by side, and how many first candidates are sure (confidence 0.5 or more, what
normalize answers at its default threshold). The titles are not labelled: what is right for a lead
(its manager, its supervisor, a senior of its trade) is for the reader to judge from the names.
Usage: field_leads.py PORT [PORT]"""
import json
import sys
import urllib.request

FIELDS = ["Product", "Design", "Engineering", "Marketing", "Sales", "Data", "Operations", "HR", "Finance", "Team",
          "Warehouse", "Shift", "Security", "QA", "Project", "Content", "Growth", "Recruiting", "Analytics", "Crew",
          "Customer Success", "Software", "Kitchen", "Store", "Maintenance", "Research", "Brand", "Support"]
ports = [int(port) for port in sys.argv[1:]]


def first(port, term):
    body = json.dumps({'term': term, 'limit': 1, 'confidenceThreshold': 0, 'fields': ['name', 'mapping']}).encode()
    request = urllib.request.Request(f'http://127.0.0.1:{port}/titles/versions/latest/normalize/inspect', data=body,
                                     headers={'Content-Type': 'application/json'})
    found = json.load(urllib.request.urlopen(request))['data']
    if not found:
        return None
    title = found[0]['title']
    return title['name'], title['mapping']['socs'][0]['id'], found[0]['confidence']


print('| title | ' + ' | '.join(f'port {port}: first candidate (SOC, confidence)' for port in ports) + ' |')
print('|---|' + '---|' * len(ports))
sure = {port: 0 for port in ports}
for field in FIELDS:
    term = field + ' Lead'
    cells = []
    for port in ports:
        answer = first(port, term)
        if answer is None:
            cells.append('none')
            continue
        name, soc, confidence = answer
        sure[port] += confidence >= 0.5
        cells.append(f'{name} ({soc}, {confidence:.2f})')
    print(f'| {term} | ' + ' | '.join(cells) + ' |')
print()
print(', '.join(f'port {port}: {sure[port]} of {len(FIELDS)} sure' for port in ports))

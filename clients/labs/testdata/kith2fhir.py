#!/usr/bin/env python3
"""Map a KITH Svarrapport (v1.3/v1.4) message to a PPS-shaped FHIR Bundle as
NILAR mapping.md describes; how the corpus documents of issue 9 were made.
Usage: kith2fhir.py <message.xml> <report-id> [max-text-length] > corpus/x.json
The messages are HL7Norway/NILAR xmlfiles/ (commit 3a1b692). The patient is
always the synthetic test number 13057412345; names of patients are not
mapped (mapping.md). Not part of the build or the tests."""
import sys, json, re
import xml.etree.ElementTree as ET
from datetime import datetime
from zoneinfo import ZoneInfo

NS = '{http://www.kith.no/xmlstds/labsvar/2012-02-15}'
OSLO = ZoneInfo('Europe/Oslo')
BASE = 'https://test.pps.nhn.no/v2/'
NIN = '13057412345'
CAN = 'http://nhn.no/fhir/nilar'
SD = CAN + '/StructureDefinition/'
SUFFIX = {'7280': '-nlk', '7010': '-norpat', '7270': '-ncrp'}

def kv_system(oid):
    if not oid:
        return ''
    m = re.match(r'^2\.16\.578\.1\.12\.4\.1\.1\.(\d{4})$', oid)
    if not m:
        return 'urn:oid:' + oid
    n = m.group(1)
    return 'http://ehelse.no/fhir/CodeSystem/no-kodeverk-' + n + SUFFIX.get(n, '')

def c(el, name):
    return el.find(NS + name) if el is not None else None
def cs(el, name):
    return el.findall(NS + name) if el is not None else []
def v(el, name, attr='V'):
    x = c(el, name)
    return x.get(attr) if x is not None else None
def t(el, name):
    x = c(el, name)
    return x.text.strip() if x is not None and x.text else None

def when(s):
    if not s:
        return None
    s = s.strip()
    if re.fullmatch(r'\d{4}-\d{2}-\d{2}', s):
        return s
    z = s.endswith('Z')
    s2 = s.rstrip('Z')
    s2 = re.sub(r'(\.\d{1,6})\d*$', r'\1', s2)
    for f in ('%Y-%m-%dT%H:%M:%S.%f', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M'):
        try:
            d = datetime.strptime(s2, f)
            break
        except ValueError:
            continue
    d = d.replace(microsecond=0)
    if z:
        return d.strftime('%Y-%m-%dT%H:%M:%SZ')
    return d.replace(tzinfo=OSLO).isoformat()

def cv(el, sys_default=''):
    d = {}
    s = kv_system(el.get('S')) or sys_default
    if s: d['system'] = s
    if el.get('V'): d['code'] = el.get('V')
    dn = el.get('DN') or el.get('OT')
    if dn: d['display'] = dn
    return d

def textvalue(el, maxlen):
    if el is None:
        return None
    kids = list(el)
    if kids:  # XHTML content: kept as its markup (INFERENCE)
        s = ''.join(ET.tostring(k, encoding='unicode') for k in kids)
        s = re.sub(r' xmlns(:\w+)?="[^"]*"', '', s)
        s = re.sub(r'<(/?)html:', r'<\1', s)
    else:
        s = el.text or ''
    s = s.replace('\r\n', '\n').replace('\r', '\n').strip()
    if maxlen and len(s) > maxlen:
        cut = s.rfind(' ', 0, maxlen)
        s = s[:cut] + ' [...]'
    return s

# DiagnosticReport.status from ServReport ServType (7309) and Status (7306).
def report_status(st, status):
    if st == 'C': return 'cancelled'
    if st in ('H',): return 'unknown'
    if st == 'M': return 'appended' if status == 'A' else 'amended'
    if st == 'A': return 'appended' if status == 'A' else 'unknown'
    return {'S': 'registered', 'P': 'preliminary', 'F': 'final', 'A': 'unknown'}.get(status, 'unknown')

# Observation.status from ResultItem ServType (8270) and StatusInvestigation (8245).
OBS = {  # 8245: (N, M, C, H, A)
    None: ('final', 'amended', 'cancelled', 'final', 'final'),
    '1': ('unknown', 'amended', 'cancelled', 'amended', 'unknown'),
    '2': ('preliminary', 'amended', 'cancelled', 'preliminary', 'preliminary'),
    '3': ('final', 'amended', 'cancelled', 'final', 'final'),
    '4': ('final', 'amended', 'cancelled', 'final', 'final'),
    '5': ('registered', 'unknown', 'cancelled', 'unknown', 'registered'),
    '6': ('registered', 'registered', 'cancelled', 'unknown', 'registered'),
    '7': ('registered', 'registered', 'cancelled', 'unknown', 'registered'),
    '8': ('preliminary', 'unknown', 'cancelled', 'unknown', 'preliminary'),
    '9': ('preliminary', 'unknown', 'cancelled', 'unknown', 'preliminary'),
    '10': ('preliminary', 'unknown', 'cancelled', 'unknown', 'preliminary'),
    '11': ('final', 'amended', 'cancelled', 'unknown', 'final'),
    '12': ('unknown', 'amended', 'cancelled', 'unknown', 'preliminary'),
    '13': ('final', 'amended', 'cancelled', 'unknown', 'final'),
    '14': ('unknown', 'unknown', 'cancelled', 'unknown', 'unknown'),
    '15': ('registered', 'registered', 'cancelled', 'final', 'registered'),
}
def obs_status(st, si):
    return OBS.get(si, OBS[None])['NMCHA'.index(st or 'N')]

MAIN = {'HIST': ('PAT', 'Patologi'), 'CYTO': ('PAT', 'Patologi'), 'OBDU': ('PAT', 'Patologi'),
        'RTG': ('BLD', 'Bildediagnostikk'), 'UL': ('BLD', 'Bildediagnostikk'), 'CT': ('BLD', 'Bildediagnostikk'),
        'MR': ('BLD', 'Bildediagnostikk'), 'NUK': ('BLD', 'Bildediagnostikk')}

def main():
    path, prefix = sys.argv[1], sys.argv[2]
    maxlen = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    root = ET.parse(path).getroot()
    global NS
    NS = root.tag[:root.tag.index('}')+1]
    rep = c(root, 'ServReport')
    gendate = when(v(root, 'GenDate'))
    issue = when(v(rep, 'IssueDate'))
    pat = c(rep, 'Patient')
    subject = {'identifier': {'system': 'urn:oid:2.16.578.1.12.4.1.4.1', 'value': NIN}}
    msg = c(rep, 'MsgDescr')
    main_code, main_disp = MAIN.get(msg.get('V'), ('LAB', 'Laboratoriemedisin'))
    entries = []
    def add(res, mode):
        entries.append({'fullUrl': BASE + res['resourceType'] + '/' + res['id'], 'resource': res, 'search': {'mode': mode}})

    # Specimens.
    specs = {}
    spec_order = []
    for i, a in enumerate(cs(pat, 'AnalysedSubject'), 1):
        sid = prefix + '-s' + str(i)
        s = {'resourceType': 'Specimen', 'id': sid, 'meta': {'profile': [SD + 'nilar-specimen']}}
        idv = t(a, 'IdByServProvider')
        if idv:
            s['identifier'] = [{'system': 'AnalysedSubjectId', 'value': idv}]
            s['accessionIdentifier'] = {'value': idv}
        tc = c(a, 'TypeCoded')
        if tc is not None:
            s['type'] = {'coding': [cv(tc)]}
        elif t(a, 'Type'):
            s['type'] = {'text': t(a, 'Type')}
        s['subject'] = subject
        coll = {}
        cd = when(v(c(a, 'CollectedSample'), 'CollectedDate'))
        if cd: coll['collectedDateTime'] = cd
        if t(a, 'AnatomicalOrigin'): coll['bodySite'] = {'text': t(a, 'AnatomicalOrigin')}
        if coll: s['collection'] = coll
        notes = []
        if t(c(a, 'CollectedSample'), 'CollectorComment'):
            notes.append({'text': "Prøvetakers kommentar: " + t(c(a, 'CollectedSample'), 'CollectorComment')})
        if t(a, 'Comment'): notes.append({'text': t(a, 'Comment')})
        if notes: s['note'] = notes
        specs[idv or sid] = (sid, cd)
        spec_order.append(sid)
        add(s, 'include')

    obs_entries = []
    efftimes = []
    def item(ri, oid, parent_spec):
        o = {'resourceType': 'Observation', 'id': oid, 'meta': {'profile': [SD + 'nilar-observation']}}
        ext = [{'url': SD + 'nilar-diagnostic-report-ref', 'valueReference': {'reference': 'DiagnosticReport/' + prefix}}]
        st = v(ri, 'ServType')
        if st == 'H':
            ext.append({'url': SD + 'nilar-history', 'valueBoolean': True})
        o['extension'] = ext
        if t(ri, 'IdResultItem'):
            o['identifier'] = [{'system': 'ResultItemId', 'value': t(ri, 'IdResultItem')}]
        o['status'] = obs_status(st, v(ri, 'StatusInvestigation'))
        o['category'] = [{'coding': [{'system': kv_system('2.16.578.1.12.4.1.1.8202'), 'code': msg.get('V')}]}]
        inv = c(ri, 'Investigation')
        tr = c(ri, 'TextResult')
        codings = [cv(i) for i in cs(inv, 'Id')]
        if codings:
            o['code'] = {'coding': codings}
        elif tr is not None and c(tr, 'Heading') is not None:
            # No investigation: the KITH heading names the result (INFERENCE).
            o['code'] = {'coding': [cv(c(tr, 'Heading'), kv_system('2.16.578.1.12.4.1.1.8243'))]}
        else:
            o['code'] = {'text': 'Resultat'}
        tags = [cd for cd in codings if cd.get('code')]
        if tags: o['meta']['tag'] = tags
        o['subject'] = subject
        ref = t(ri, 'RefAnalysedSubject')
        spec = specs.get(ref) if ref else parent_spec
        if spec is None and len(specs) == 1:
            spec = next(iter(specs.values()))  # the report's only sample (INFERENCE)
        eff = (spec[1] if spec else None) or when(v(ri, 'InvDate')) or issue
        if eff:
            o['effectiveDateTime'] = eff
            efftimes.append(eff)
        if gendate: o['issued'] = gendate
        if spec: o['specimen'] = {'reference': 'Specimen/' + spec[0]}
        nr = c(ri, 'NumResult')
        if nr is not None:
            nv = c(nr, 'NumResultValue')
            q = {'value': float(nv.get('V')) if '.' in nv.get('V') else int(nv.get('V'))}
            if nv.get('U') and nv.get('U') != '0':  # KITH U="0": no unit
                q.update({'unit': nv.get('U'), 'system': 'http://unitsofmeasure.org', 'code': nv.get('U')})
            o['valueQuantity'] = q
        elif tr is not None:
            cc = {}
            cods = []
            h = c(tr, 'Heading')
            if h is not None: cods.append(cv(h, kv_system('2.16.578.1.12.4.1.1.8243')))
            cods += [cv(x) for x in cs(tr, 'TextCode')]
            if cods: cc['coding'] = cods
            tv = textvalue(c(tr, 'TextResultValue'), maxlen)
            if tv: cc['text'] = tv
            o['valueCodeableConcept'] = cc
        dev = c(ri, 'DevResultInd')
        if dev is not None:
            o['interpretation'] = [{'coding': [cv(dev, kv_system('2.16.578.1.12.4.1.1.8244'))]}]
        notes = []
        for n in ('Comment', 'DiagComment'):
            if t(ri, n): notes.append({'text': textvalue(c(ri, n), maxlen)})
        if notes: o['note'] = notes
        spc = c(inv, 'Spec')
        if spc is not None: o['method'] = {'coding': [cv(spc)]}
        rr = t(c(ri, 'RefInterval'), 'Descr')
        if rr: o['referenceRange'] = [{'text': rr}]
        members = []
        obs_entries.append(o)
        for j, sub in enumerate(cs(ri, 'ResultItem'), 1):
            sid = oid + '-' + str(j)
            item(sub, sid, spec)
            members.append({'reference': 'Observation/' + sid})
        if members: o['hasMember'] = members
    results = []
    for i, ri in enumerate(cs(pat, 'ResultItem'), 1):
        oid = prefix + '-o' + str(i)
        item(ri, oid, None)
        results.append({'reference': 'Observation/' + oid})

    d = {'resourceType': 'DiagnosticReport', 'id': prefix, 'meta': {'profile': [SD + 'nilar-diagnostic-report']}}
    ext = [{'url': SD + 'nilar-report-date', 'valueDateTime': issue}]
    if v(rep, 'ApprDate'): ext.append({'url': SD + 'nilar-approval-date', 'valueDateTime': when(v(rep, 'ApprDate'))})
    for cm in cs(rep, 'Comment'):
        ext.append({'url': SD + 'nilar-comment', 'valueAnnotation': {'text': textvalue(cm, maxlen)}})
    for cc in cs(rep, 'CodedComment'):
        ext.append({'url': SD + 'nilar-comment', 'valueCodeableConcept': {'coding': [cv(cc)]}})
    if c(rep, 'RefDoc') is not None:
        # mapping.md: RefDoc is not mapped; a comment says it was removed (wording INFERENCE).
        ext.append({'url': SD + 'nilar-comment', 'valueAnnotation': {'text': 'Vedlegg (RefDoc) er fjernet.'}})
    d['extension'] = ext
    d['identifier'] = [{'system': 'ServReportId', 'value': prefix}, {'system': 'MsgId', 'value': prefix + '-msg'}]
    d['basedOn'] = [{'reference': 'ServiceRequest/' + prefix + '-sr'}]
    d['status'] = report_status(v(rep, 'ServType'), v(rep, 'Status'))
    d['category'] = [{'coding': [{'system': kv_system('2.16.578.1.12.4.1.1.8202'), 'code': main_code, 'display': main_disp}]}]
    d['code'] = {'coding': [{'system': kv_system('2.16.578.1.12.4.1.1.8202'), 'code': msg.get('V'), 'display': msg.get('DN')}]}
    d['subject'] = subject
    eff = min(efftimes) if efftimes else (issue or gendate)
    d['effectiveDateTime'] = eff
    d['issued'] = gendate
    d['performer'] = [{'reference': 'PractitionerRole/' + prefix + '-perf'}]
    if spec_order: d['specimen'] = [{'reference': 'Specimen/' + s} for s in spec_order]
    if results: d['result'] = results

    # ServiceRequest and the two PractitionerRoles.
    sreq = c(rep, 'ServReq')
    sr = {'resourceType': 'ServiceRequest', 'id': prefix + '-sr', 'meta': {'profile': [SD + 'nilar-service-request']},
          'identifier': [{'system': 'ServReqId', 'value': prefix + '-req'}], 'status': 'completed', 'intent': 'order', 'subject': subject,
          'requester': {'reference': 'PractitionerRole/' + prefix + '-req'}}
    rat = c(sreq, 'ReasonAsText')
    if rat is not None:
        sr['reasonCode'] = [{'coding': [cv(c(rat, 'Heading'), kv_system('2.16.578.1.12.4.1.1.8231'))], 'text': textvalue(c(rat, 'TextResultValue'), maxlen)}]
    if v(sreq, 'IssueDate'): sr['authoredOn'] = when(v(sreq, 'IssueDate'))
    hcp = c(c(c(pat, 'ResponsibleHcp'), 'HCP'), 'Inst')
    person = c(hcp, 'HCPerson')
    req = {'resourceType': 'PractitionerRole', 'id': prefix + '-req'}
    if person is not None:
        req['practitioner'] = {'display': t(person, 'Name'), 'identifier': {'system': 'urn:oid:2.16.578.1.12.4.1.4.4', 'value': t(person, 'Id')}}
    if hcp is not None:
        req['organization'] = {'display': t(hcp, 'Name')}
    inst = c(c(c(rep, 'ServProvider'), 'HCP'), 'Inst')
    name = t(inst, 'Name')
    dept = t(c(inst, 'Dept'), 'Name')
    perf = {'resourceType': 'PractitionerRole', 'id': prefix + '-perf', 'organization': {'display': name + (', ' + dept if dept else '')}}
    prof = c(c(c(rep, 'RelServProv'), 'HCP'), 'HCProf')
    if prof is not None:
        perf['practitioner'] = {'display': t(prof, 'Name'), 'identifier': {'system': 'urn:oid:2.16.578.1.12.4.1.4.4', 'value': t(prof, 'Id')}}
    bundle = {'resourceType': 'Bundle', 'id': 'corpus', 'type': 'searchset', 'total': 1,
              'link': [{'relation': 'self', 'url': BASE + 'DiagnosticReport/_search'}], 'entry': []}
    bundle['entry'].append({'fullUrl': BASE + 'DiagnosticReport/' + prefix, 'resource': d, 'search': {'mode': 'match'}})
    bundle['entry'] += entries
    for e in (sr, req, perf):
        bundle['entry'].append({'fullUrl': BASE + e['resourceType'] + '/' + e['id'], 'resource': e, 'search': {'mode': 'include'}})
    for o in obs_entries:
        bundle['entry'].append({'fullUrl': BASE + 'Observation/' + o['id'], 'resource': o, 'search': {'mode': 'include'}})
    print(json.dumps(bundle, ensure_ascii=False, indent=1))

main()

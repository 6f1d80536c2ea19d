// Package labs is a client for Pasientens prøvesvar (PPS, formerly NILAR)
// API v2: DiagnosticReport searches for one patient, with the patient only
// in the person-id header, a DPoP-bound HelseID token for audience nhn:pps,
// the access basis and requester role headers, paging through next links
// and the restriction notices (Specific, General, Reservation) the service
// puts in its Bundles. Contract: upstreams.md §0 and §4.
//
// FHIR model: own types for the subset the service speaks (fhir.go), not a
// generated FHIR R4 package. The Go module proxy serves neither of the two
// known model modules (github.com/samply/golang-fhir-models/fhir-models and
// github.com/google/fhir/go answer "not available"), and both are large
// generated trees (hundreds of resource types, protobuf for Google's) for
// the eight resources used here. Own types also let the decoder stay strict
// where safety needs it (one JSON value, size cap, errors that never quote
// the body) and lenient where FHIR needs it (unknown elements and resource
// types ignored).
//
// The client never presents partial patient data as complete: a failed
// later page fails the whole call, a Bundle whose pages add up to less than
// its total is ErrMalformed, and Result.Truncated says when the page cap
// stopped the walk. The patient's identity number is never put in a URL or
// an error message.
//
// # How the client reads
//
// Tolerantly (clients/tolerant; STYLE point 16). The Bundle is decoded
// first, with its entries still encoded; then each entry's resource on its
// own. A value of the wrong JSON type costs that value: the field stays
// empty, the page shows the value as received marked "ulesbar" in place
// (Report.Unread, Analysis.Unread, SpecimenInfo.Unread), and
// Result.Unread names its path ("entry[3].resource.valueQuantity.value")
// for the technical log, never the value. A date in no known form is kept
// the same way. An entry whose resource is not an object costs that entry.
// An unknown code is shown as received (Flag with an empty Level). null
// where a list belongs is an empty list; unknown elements and resource
// types are ignored; a reference that does not resolve, or members nested
// deeper than maxDepth (a cycle), mark the report Incomplete. What still
// fails the whole answer (ErrMalformed): not JSON, a content type that is
// not JSON, a cut-off document, data after it, a top level that is not a
// Bundle object, a body over MaxBodyBytes, more than maxEntries entries,
// and pages that add up to fewer reports than Bundle.total.
//
// # What follows NILAR, and where it comes from
//
// The resource shapes follow NHN's FHIR implementation guide for lab
// results, HL7Norway/NILAR, DiagnosticReportIG (version 1.5.0 at the
// commit read, 3a1b692), and its mapping of KITH Svarrapport v1.4 to FHIR
// (mapping.md):
//
//   - Canonical http://nhn.no/fhir/nilar (sushi-config.yaml). Profiles and
//     extensions are Canonical + "/StructureDefinition/" + the Id in
//     input/fsh: nilar-diagnostic-report, nilar-observation,
//     nilar-specimen; extensions nilar-comment (value Annotation or
//     CodeableConcept; Extensions/Comment.fsh), nilar-diagnostic-report-ref
//     (Reference, 1..1 on every Observation), nilar-report-date and
//     nilar-approval-date (dateTime), nilar-accredited and nilar-history
//     (boolean), nilar-related-observation (Reference). See fhir.go.
//   - Code systems are written as in Aliases.fsh:
//     http://ehelse.no/fhir/CodeSystem/no-kodeverk-NNNN (7280 with the
//     suffix -nlk). HL7Norway/kodeverk publishes the same kodeverk as
//     http://helsedir.no/fhir/CodeSystem/no-kodeverk-NNNN with the OID
//     urn:oid:2.16.578.1.12.4.1.1.NNNN as identifier
//     (input/fsh/codesystems/no-kodeverk-NNNN.fsh); Kodeverk reads all
//     three forms (and the bare OID of the KITH messages).
//   - Deviation flags: Observation.interpretation from DeviationIndicator_VS
//     = kodeverk 8244 "Avviksmarkør i svarrapportering av medisinske
//     tjenester", codes 1 "Over øvre referansegrense", 2 "Under nedre
//     referansegrense", 3 "Utenfor referansegrensene" (kodeverk
//     no-kodeverk-8244.fsh; the same codes in the KITH test messages'
//     DevResultInd). 8244 has no critical levels.
//   - value[x] is Quantity, CodeableConcept, dateTime or Range
//     (Profiles/Observation.fsh). A KITH text result maps to
//     CodeableConcept: TextResult.Heading (kodeverk 8243: LR
//     Laboratorieresultat, RSB Resistensbestemmelse, ...) and TextCode as
//     codings, TextResultValue as text (mapping.md, ResultItem). The
//     client also reads valueString, valueInteger, valueBoolean and
//     dataAbsentReason, which base FHIR allows.
//   - Reference ranges: RefInterval.Descr → referenceRange.text, often
//     with no numbers ("10 - 22", "< 0,5"; xmlfiles/Svar_biokjemi_v1-4_Ny.xml).
//   - Specimens: each KITH AnalysedSubject is a Specimen (type from
//     kodeverk 8351, e.g. S Serum, P Plasma, B Blod); a report lists them
//     all in DiagnosticReport.specimen and each Observation names its own
//     (ResultItem.RefAnalysedSubject → Observation.specimen).
//   - Microbiology (xmlfiles/Svar_mikrobiologi_dyrkning_v1-4_Ny.xml): an
//     isolated organism is a result with heading LR whose text is the
//     organism; its amount is a nested result whose investigation has only
//     an original text ("Mengde", kodeverk 8212); each antibiotic is a
//     result with heading RSB, an S/I/R code of kodeverk 8271 ("Resistens":
//     S Sensitiv standarddose, I Sensitiv økt eksponering, R Resistent, K Se
//     kommentar) and sometimes the MIC as text, pointing at its organism
//     with RefIdResultItem. mapping.md maps RefIdResultItem to
//     Observation.hasMember.
//   - Comments: ServReport.Comment/CodedComment → nilar-comment on the
//     DiagnosticReport (Annotation; coded comments from kodeverk 8269, e.g.
//     TA Telefonsvar avgitt); ResultItem.Comment → Observation.note.
//   - Restrictions: an OperationOutcome entry with details from
//     http://nhn.no/fhir/nilar/CodeSystem/pvk-outcome-cs (Specific,
//     General, Reservation; CodeSystems/PvkOutcome.fsh).
//   - Report kinds (issue 9), each a corpus document mapped from a KITH
//     test message in xmlfiles/: pathology, histology
//     (Svar_patologi_histologi_v1-4_Ny.xml, PAT-HISTO02SUSanonymFlereSvar.xml)
//     and cytology (Svar_patologi_cytologi_v1-4_Ny.xml): one examination
//     (kodeverk 8219 A Histologisk undersøkelse, or an NLK code) whose
//     nested results are text parts, FU Funn og undersøkelsesresultater
//     and VU Vurdering (kodeverk 8243 headings) and MA/MI macroscopy and
//     microscopy (8219), the findings coded in kodeverk 7010 (Aliases.fsh:
//     no-kodeverk-7010-norpat; ObservationResult_VS binds 7010, 7270, 8243,
//     8271, 8340), sometimes with no display. Imaging
//     (Svar_radiologi_v1-4_Ny.xml): PPS carries it (index.md: "laboratorie
//     og røntgensvar"; MainExpertise_VS has BLD Bildediagnostikk); a GR
//     group whose text is the description in XHTML, with NCRP procedures
//     (kodeverk 7270) as members without values. Virology
//     (Svar_mikrobiologi_virologi_v1-4_Ny.xml,
//     Svar_Hurtigtest_Covid-19_antigen_v1-4.xml): text results from
//     kodeverk 8340's wording under heading LR, an IgM found flagged 8244
//     code 1. Grouped results (Svar_mikrobiologi_gruppert_v1-4_Ny.xml): a
//     result under heading GR whose text names the group, its results
//     nested (Analysis.Group). Report.Kind reads the main expertise.
//   - Statuses (mapping.md, "DiagnosticReport.Status" and
//     "Observation.Status"): ServType × Status map to registered,
//     preliminary, final, amended, appended, cancelled or unknown; a KITH
//     cancellation (ServType C) is cancelled on the report
//     (fagmelding.Svarrapport.v1.4.KANSELLERING.xml) and on a result
//     (fagmelding.Svarrapport.v1.4.ENDRING.xml), and a deleted result
//     (StatusInvestigation 14, SvarMBK-Unilab-OUS_Sletting_20200317.xml) is
//     cancelled in an amended report, its old value still in the message.
//     What the client does with cancelled and entered-in-error is decided
//     and explained at Withdrawn (status.go).
//
// INFERENCE (not stated by the sources read):
//   - How PPS carries a TextResultValue that holds XHTML (the radiology
//     message): the client assumes the markup as a string in
//     CodeableConcept.text and turns it into plain text with its
//     paragraphs (plainText); it never renders upstream markup.
//   - Observation.code of a KITH result with no Investigation (the FU/VU
//     parts, a GR group): Observation.code is required, and the corpus
//     documents use the KITH heading (8243) as the code; the page names a
//     section from its procedures then.
//   - The wording of the comment PPS puts in for a removed RefDoc
//     (mapping.md only says a comment is added); the corpus writes
//     "Vedlegg (RefDoc) er fjernet."
//   - A zoneless date-time is Norwegian time (KITH writes local time), and
//     a bare date (pathology CollectedDate) is a day, shown without a time.
//   - entered-in-error: NILAR's mapping table never produces it; base FHIR
//     allows it, so the client handles it (lifecycle-entered-in-error.json
//     is written for the tests from fagmelding.Svarrapport.v1.4.NY.xml).
//   - Which 8202 codes other than the main expertise mean pathology or
//     imaging (Report.Kind): the MsgDescr codes of the test messages (HIST,
//     CYTO, UL, RTG, ...) and their likely siblings.
//   - Which system string PPS writes for a kodeverk in its responses: the
//     IG binds the ehelse.no form, so the simulator writes that; the client
//     accepts all three.
//   - The direction of hasMember for susceptibilities: the organism's
//     Observation has the amount and the susceptibilities as hasMember
//     (RefIdResultItem points from the susceptibility to the organism; the
//     IG's nilar-related-observation would be the other direction, and the
//     client does not depend on it).
//   - HL7 v3 ObservationInterpretation codes (H, L, HH, LL, A, N, S, I, R)
//     are read as well, though PPS is not known to send them; critical
//     levels appear only that way.
//   - The simulator flags a positive qualitative result with 8244 code 3.
//   - The profile does not list valueString; PPS is not known to send it.
package labs

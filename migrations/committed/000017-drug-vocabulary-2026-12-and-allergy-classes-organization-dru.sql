--! Previous: sha1:34e65d57da7aa03d45a7ce6feaf070c554600dbd
--! Hash: sha1:1b707c08f2e81661ecbc03afadd8c8b257ca96ef
--! Message: Drug vocabulary 2026.12 and allergy classes, organization drug terms, note co-signer, imaging allergy override

-- Drug vocabulary and allergy classes (issue 20, findings 1, 2 and 6).
--
-- Source and version: drug vocabulary release 2026.12, compiled by the project from public drug-class lists
-- (WHO ATC classification groups for the classes, the US top-200 prescribed-drug list for the medications,
-- plus the antibiotics, opioids and contrast media a hospital formulary adds). It is global reference data:
-- read-only to tenants (health_app may only select it); an organization adds its own names in
-- organization_drug_terms (row-level security). A later release replaces rows in a new migration and bumps
-- drug_vocabulary_releases.
--
-- Every name is stored as normalize_drug_name(display name): the one normalizer (lower case, punctuation and
-- whitespace collapsed, strengths, dose forms and salts removed), used by the lookups too.

create extension if not exists pg_trgm;
create extension if not exists fuzzystrmatch;

create table drug_vocabulary_releases (
  version     text primary key check (version ~ '^\d{4}\.\d{2}$'),
  source      text not null check (char_length(source) between 1 and 500),
  released_on date not null
);
comment on table drug_vocabulary_releases is 'Releases of the global drug vocabulary (source and version).';
insert into drug_vocabulary_releases (version, source, released_on) values
  ('2026.12', 'compiled by the project from public drug-class lists (WHO ATC classes, US top-200 prescribed list)', '2026-12-01');

-- The one normalizer of medication and allergen names (see test/patients/drug-vocabulary.test.ts).
create function normalize_drug_name(p_name text) returns text
language plpgsql immutable strict parallel safe as $$
declare
  s text := lower(translate(p_name, 'µμ', 'uu'));
  kept text[] := '{}';
  w text;
begin
  -- strengths: 500 mg, 0.5%, 875 mg/125 mg, 5 mg/5 ml, 100 units/ml
  s := regexp_replace(s,
    '\d+([.,]\d+)?\s*(mg|mcg|ug|g|gm|kg|ml|l|iu|units?|meq|mmol|%)(?![a-z])(\s*/\s*(\d+([.,]\d+)?\s*)?(mg|mcg|ug|g|ml|l|dose|actuation|h|hr|hours?)(?![a-z]))?',
    ' ', 'g');
  s := regexp_replace(s, '[^a-z0-9]+', ' ', 'g');
  foreach w in array regexp_split_to_array(btrim(s), ' ') loop
    continue when w = '' or w ~ '^\d+$';
    -- dose forms, routes, release modifiers and joining words
    continue when w = any (array[
      'tablet', 'tablets', 'tab', 'tabs', 'capsule', 'capsules', 'cap', 'caps', 'injection', 'injectable', 'inj',
      'solution', 'soln', 'suspension', 'susp', 'syrup', 'elixir', 'oral', 'cream', 'ointment', 'gel', 'lotion',
      'patch', 'patches', 'inhaler', 'inhalation', 'aerosol', 'nebuliser', 'nebulizer', 'drops', 'drop', 'spray',
      'nasal', 'ophthalmic', 'otic', 'topical', 'suppository', 'suppositories', 'powder', 'granules', 'vial',
      'ampoule', 'ampule', 'infusion', 'iv', 'im', 'sc', 'po', 'film', 'coated', 'chewable', 'dispersible',
      'effervescent', 'extended', 'delayed', 'release', 'modified', 'sustained', 'controlled', 'er', 'xr', 'sr',
      'xl', 'cr', 'dr', 'ec', 'la', 'ir', 'odt', 'mr', 'prefilled', 'syringe', 'lozenge', 'liquid', 'concentrate',
      'sachet', 'transdermal', 'vaginal', 'rectal', 'buccal', 'sublingual', 'intravenous', 'intramuscular',
      'subcutaneous', 'reconstitution', 'emulsion', 'foam', 'and', 'with', 'plus', 'for', 'of', 'in']);
    -- salts and esters, unless they are the first word (calcium carbonate, potassium chloride)
    continue when cardinality(kept) > 0 and w = any (array[
      'hydrochloride', 'hcl', 'hydrobromide', 'hbr', 'dihydrochloride', 'sodium', 'potassium', 'calcium',
      'magnesium', 'besylate', 'besilate', 'maleate', 'mesylate', 'mesilate', 'succinate', 'tartrate', 'bitartrate',
      'sulfate', 'sulphate', 'phosphate', 'citrate', 'acetate', 'fumarate', 'hyclate', 'monohydrate', 'dihydrate',
      'trihydrate', 'hemihydrate', 'anhydrous', 'propionate', 'dipropionate', 'furoate', 'valerate', 'bromide',
      'disodium', 'trometamol', 'tromethamine', 'xinafoate', 'medoxomil', 'axetil', 'etexilate', 'pivoxil']);
    kept := kept || w;
  end loop;
  if cardinality(kept) = 0 then
    -- a name made only of stripped words (e.g. "Oral solution") stays as written, minus punctuation
    return btrim(regexp_replace(lower(p_name), '[^a-z0-9]+', ' ', 'g'));
  end if;
  return array_to_string(kept, ' ');
end $$;
comment on function normalize_drug_name(text) is
  'The one normalizer of drug and allergen names: case, whitespace, punctuation, strengths, dose forms, salts.';

create table allergy_classes (
  code        text primary key check (code ~ '^[A-Z][A-Z0-9_]{1,49}$'),
  name        text not null check (char_length(name) between 1 and 100),
  atc_groups  text check (char_length(atc_groups) <= 100),
  description text not null check (char_length(description) between 1 and 500)
);
comment on table allergy_classes is 'Allergy classes of the drug vocabulary (global, read-only to tenants).';

insert into allergy_classes (code, name, atc_groups, description) values
  ('PENICILLINS', 'Penicillins', 'J01C', 'Beta-lactam penicillins, with beta-lactamase inhibitor combinations.'),
  ('CEPHALOSPORINS', 'Cephalosporins', 'J01DB-J01DE, J01DI', 'Beta-lactam cephalosporins of every generation.'),
  ('CARBAPENEMS', 'Carbapenems', 'J01DH', 'Beta-lactam carbapenems.'),
  ('MONOBACTAMS', 'Monobactams', 'J01DF', 'Aztreonam.'),
  ('SULFONAMIDE_ANTIBIOTICS', 'Sulfonamide antibiotics', 'J01E', 'Arylamine sulfonamide antibacterials (not thiazides or furosemide).'),
  ('FLUOROQUINOLONES', 'Fluoroquinolones', 'J01MA', 'Quinolone antibacterials.'),
  ('MACROLIDES', 'Macrolides', 'J01FA', 'Macrolide antibacterials.'),
  ('LINCOSAMIDES', 'Lincosamides', 'J01FF', 'Clindamycin and lincomycin.'),
  ('TETRACYCLINES', 'Tetracyclines', 'J01A', 'Tetracycline antibacterials.'),
  ('AMINOGLYCOSIDES', 'Aminoglycosides', 'J01G', 'Aminoglycoside antibacterials.'),
  ('GLYCOPEPTIDES', 'Glycopeptides', 'J01XA', 'Vancomycin and related glycopeptides.'),
  ('NSAIDS', 'NSAIDs and aspirin', 'M01A, N02BA', 'Non-steroidal anti-inflammatory drugs, aspirin included (COX-1 cross-reactivity).'),
  ('OPIOIDS', 'Opioids', 'N02A, N07BC, R05DA', 'Opioid analgesics, antitussives and maintenance opioids.'),
  ('ACE_INHIBITORS', 'ACE inhibitors', 'C09A, C09B', 'Angiotensin-converting-enzyme inhibitors and their combinations.'),
  ('ANGIOTENSIN_RECEPTOR_BLOCKERS', 'Angiotensin receptor blockers', 'C09C, C09D', 'Sartans and their combinations.'),
  ('STATINS', 'Statins', 'C10AA', 'HMG-CoA reductase inhibitors.'),
  ('AROMATIC_ANTICONVULSANTS', 'Aromatic anticonvulsants', 'N03AB, N03AF, N03AA, N03AX09', 'Carbamazepine, oxcarbazepine, phenytoin, phenobarbital, lamotrigine.'),
  ('BENZODIAZEPINES', 'Benzodiazepines', 'N05BA, N05CD, N03AE', 'Benzodiazepine anxiolytics, hypnotics and anticonvulsants.'),
  ('HEPARINS', 'Heparins', 'B01AB', 'Unfractionated and low-molecular-weight heparins.'),
  ('IODINATED_CONTRAST', 'Iodinated contrast media', 'V08A', 'Iodinated X-ray and CT contrast media.'),
  ('GADOLINIUM_CONTRAST', 'Gadolinium contrast media', 'V08CA', 'Gadolinium-based MRI contrast agents.'),
  ('LATEX', 'Natural rubber latex', null, 'Natural rubber latex in gloves, catheters and devices.');

-- Classes a drug of another class may cross-react with: a warning (override with a reason), never a hard stop.
create table allergy_class_cross_reactions (
  allergy_class text not null references allergy_classes (code),
  drug_class    text not null references allergy_classes (code),
  level         text not null check (level in ('WARNING')),
  note          text not null check (char_length(note) between 1 and 500),
  primary key (allergy_class, drug_class),
  check (allergy_class <> drug_class)
);
comment on table allergy_class_cross_reactions is 'Cross-reactivity between allergy classes (global, read-only to tenants).';

insert into allergy_class_cross_reactions (allergy_class, drug_class, level, note) values
  ('PENICILLINS', 'CEPHALOSPORINS', 'WARNING', 'About 1–2% cross-reactivity, mostly shared R1 side chains (e.g. amoxicillin and cefadroxil).'),
  ('CEPHALOSPORINS', 'PENICILLINS', 'WARNING', 'Shared beta-lactam ring and side chains.'),
  ('PENICILLINS', 'CARBAPENEMS', 'WARNING', 'Under 1% cross-reactivity; give with caution.'),
  ('CARBAPENEMS', 'PENICILLINS', 'WARNING', 'Shared beta-lactam ring.'),
  ('CEPHALOSPORINS', 'CARBAPENEMS', 'WARNING', 'Shared beta-lactam ring.'),
  ('CEPHALOSPORINS', 'MONOBACTAMS', 'WARNING', 'Ceftazidime and aztreonam share a side chain.'),
  ('ACE_INHIBITORS', 'ANGIOTENSIN_RECEPTOR_BLOCKERS', 'WARNING', 'Angioedema on an ACE inhibitor recurs on sartans in a few percent.');

create table drug_ingredients (
  name         text primary key generated always as (normalize_drug_name(display_name)) stored,
  display_name text not null check (char_length(display_name) between 1 and 200)
);
comment on table drug_ingredients is 'Active ingredients of the drug vocabulary; name is normalize_drug_name(display_name).';

create table drug_ingredient_classes (
  ingredient text not null references drug_ingredients (name),
  class_code text not null references allergy_classes (code),
  primary key (ingredient, class_code)
);
create index drug_ingredient_classes_class_idx on drug_ingredient_classes (class_code);

-- Every name a drug is known by (generic, brand, synonym, combination, class name), normalized.
create table drug_terms (
  term         text primary key generated always as (normalize_drug_name(display_name)) stored,
  display_name text not null check (char_length(display_name) between 1 and 200),
  kind         text not null check (kind in ('INGREDIENT', 'BRAND', 'SYNONYM', 'COMBINATION', 'CLASS'))
);
comment on table drug_terms is 'Names of drugs and allergy classes; term is normalize_drug_name(display_name).';
-- spelling-tolerant lookups (a trigram index narrows the candidates of levenshtein)
create index drug_terms_term_trgm_idx on drug_terms using gin (term gin_trgm_ops);

create table drug_term_ingredients (
  term       text not null references drug_terms (term) on delete cascade,
  ingredient text not null references drug_ingredients (name),
  primary key (term, ingredient)
);
create table drug_term_classes (
  term       text not null references drug_terms (term) on delete cascade,
  class_code text not null references allergy_classes (code),
  primary key (term, class_code)
);

-- Source rows: ingredient, its classes (comma-separated), other names (semicolon-separated: brands, synonyms).
create temporary table drug_source (ingredient text, classes text, names text) on commit drop;
insert into drug_source (ingredient, classes, names) values
  ('Atorvastatin', 'STATINS', 'Lipitor'),
  ('Simvastatin', 'STATINS', 'Zocor'),
  ('Rosuvastatin', 'STATINS', 'Crestor'),
  ('Pravastatin', 'STATINS', 'Pravachol'),
  ('Lovastatin', 'STATINS', 'Mevacor;Altoprev'),
  ('Pitavastatin', 'STATINS', 'Livalo'),
  ('Levothyroxine', '', 'Synthroid;Levoxyl;Unithroid;Euthyrox;Tirosint;L-thyroxine'),
  ('Liothyronine', '', 'Cytomel'),
  ('Lisinopril', 'ACE_INHIBITORS', 'Prinivil;Zestril;Qbrelis'),
  ('Enalapril', 'ACE_INHIBITORS', 'Vasotec;Epaned'),
  ('Benazepril', 'ACE_INHIBITORS', 'Lotensin'),
  ('Ramipril', 'ACE_INHIBITORS', 'Altace'),
  ('Quinapril', 'ACE_INHIBITORS', 'Accupril'),
  ('Captopril', 'ACE_INHIBITORS', 'Capoten'),
  ('Fosinopril', 'ACE_INHIBITORS', 'Monopril'),
  ('Perindopril', 'ACE_INHIBITORS', 'Aceon;Coversyl'),
  ('Trandolapril', 'ACE_INHIBITORS', 'Mavik'),
  ('Losartan', 'ANGIOTENSIN_RECEPTOR_BLOCKERS', 'Cozaar'),
  ('Valsartan', 'ANGIOTENSIN_RECEPTOR_BLOCKERS', 'Diovan'),
  ('Olmesartan', 'ANGIOTENSIN_RECEPTOR_BLOCKERS', 'Benicar'),
  ('Irbesartan', 'ANGIOTENSIN_RECEPTOR_BLOCKERS', 'Avapro'),
  ('Telmisartan', 'ANGIOTENSIN_RECEPTOR_BLOCKERS', 'Micardis'),
  ('Candesartan', 'ANGIOTENSIN_RECEPTOR_BLOCKERS', 'Atacand'),
  ('Sacubitril', '', ''),
  ('Metformin', '', 'Glucophage;Fortamet;Glumetza;Riomet'),
  ('Amlodipine', '', 'Norvasc;Katerzia'),
  ('Nifedipine', '', 'Procardia;Adalat'),
  ('Diltiazem', '', 'Cardizem;Tiazac;Cartia'),
  ('Verapamil', '', 'Calan;Verelan;Isoptin'),
  ('Metoprolol', '', 'Lopressor;Toprol;Toprol XL'),
  ('Atenolol', '', 'Tenormin'),
  ('Carvedilol', '', 'Coreg'),
  ('Propranolol', '', 'Inderal;InnoPran'),
  ('Bisoprolol', '', 'Zebeta'),
  ('Nebivolol', '', 'Bystolic'),
  ('Labetalol', '', 'Trandate'),
  ('Omeprazole', '', 'Prilosec'),
  ('Esomeprazole', '', 'Nexium'),
  ('Pantoprazole', '', 'Protonix'),
  ('Lansoprazole', '', 'Prevacid'),
  ('Dexlansoprazole', '', 'Dexilant'),
  ('Rabeprazole', '', 'Aciphex'),
  ('Famotidine', '', 'Pepcid'),
  ('Ranitidine', '', 'Zantac'),
  ('Sucralfate', '', 'Carafate'),
  ('Albuterol', '', 'ProAir;Ventolin;Proventil;salbutamol'),
  ('Levalbuterol', '', 'Xopenex'),
  ('Gabapentin', '', 'Neurontin;Gralise;Horizant'),
  ('Pregabalin', '', 'Lyrica'),
  ('Hydrochlorothiazide', '', 'Microzide;HCTZ'),
  ('Chlorthalidone', '', 'Thalitone;Hygroton'),
  ('Furosemide', '', 'Lasix'),
  ('Torsemide', '', 'Demadex;Soaanz'),
  ('Bumetanide', '', 'Bumex'),
  ('Spironolactone', '', 'Aldactone;CaroSpir'),
  ('Triamterene', '', 'Dyrenium'),
  ('Sertraline', '', 'Zoloft'),
  ('Escitalopram', '', 'Lexapro'),
  ('Citalopram', '', 'Celexa'),
  ('Fluoxetine', '', 'Prozac;Sarafem'),
  ('Paroxetine', '', 'Paxil;Pexeva'),
  ('Venlafaxine', '', 'Effexor'),
  ('Desvenlafaxine', '', 'Pristiq'),
  ('Duloxetine', '', 'Cymbalta'),
  ('Bupropion', '', 'Wellbutrin;Zyban;Aplenzin'),
  ('Trazodone', '', 'Desyrel;Oleptro'),
  ('Mirtazapine', '', 'Remeron'),
  ('Amitriptyline', '', 'Elavil'),
  ('Nortriptyline', '', 'Pamelor'),
  ('Vortioxetine', '', 'Trintellix'),
  ('Buspirone', '', 'Buspar'),
  ('Montelukast', '', 'Singulair'),
  ('Fluticasone', '', 'Flonase;Flovent;Arnuity'),
  ('Budesonide', '', 'Pulmicort;Entocort;Uceris;Rhinocort'),
  ('Mometasone', '', 'Nasonex;Asmanex'),
  ('Beclomethasone', '', 'Qvar;Beconase'),
  ('Triamcinolone', '', 'Kenalog;Nasacort'),
  ('Tiotropium', '', 'Spiriva'),
  ('Ipratropium', '', 'Atrovent'),
  ('Formoterol', '', 'Foradil;Perforomist'),
  ('Salmeterol', '', 'Serevent'),
  ('Vilanterol', '', ''),
  ('Umeclidinium', '', 'Incruse'),
  ('Azelastine', '', 'Astelin;Astepro'),
  ('Cetirizine', '', 'Zyrtec'),
  ('Levocetirizine', '', 'Xyzal'),
  ('Loratadine', '', 'Claritin'),
  ('Fexofenadine', '', 'Allegra'),
  ('Diphenhydramine', '', 'Benadryl'),
  ('Hydroxyzine', '', 'Atarax;Vistaril'),
  ('Promethazine', '', 'Phenergan'),
  ('Meclizine', '', 'Antivert;Bonine'),
  ('Ondansetron', '', 'Zofran'),
  ('Metoclopramide', '', 'Reglan'),
  ('Amoxicillin', 'PENICILLINS', 'Amoxil;Moxatag;Trimox'),
  ('Ampicillin', 'PENICILLINS', 'Principen'),
  ('Phenoxymethylpenicillin', 'PENICILLINS', 'Penicillin V;Penicillin VK;Pen VK;Pen-Vee K;Veetids;Beepen-VK'),
  ('Benzylpenicillin', 'PENICILLINS', 'Penicillin G;Pfizerpen;Bicillin;Bicillin L-A;benzathine penicillin;procaine penicillin'),
  ('Piperacillin', 'PENICILLINS', ''),
  ('Nafcillin', 'PENICILLINS', 'Nallpen'),
  ('Oxacillin', 'PENICILLINS', 'Bactocill'),
  ('Dicloxacillin', 'PENICILLINS', 'Dycill'),
  ('Flucloxacillin', 'PENICILLINS', 'Floxapen'),
  ('Clavulanate', 'PENICILLINS', 'clavulanic acid'),
  ('Sulbactam', 'PENICILLINS', ''),
  ('Tazobactam', 'PENICILLINS', ''),
  ('Cephalexin', 'CEPHALOSPORINS', 'Keflex;cefalexin'),
  ('Cefadroxil', 'CEPHALOSPORINS', 'Duricef'),
  ('Cefazolin', 'CEPHALOSPORINS', 'Ancef;Kefzol;cefazoline'),
  ('Cefuroxime', 'CEPHALOSPORINS', 'Ceftin;Zinacef'),
  ('Cefaclor', 'CEPHALOSPORINS', 'Ceclor'),
  ('Cefprozil', 'CEPHALOSPORINS', 'Cefzil'),
  ('Cefoxitin', 'CEPHALOSPORINS', 'Mefoxin'),
  ('Cefdinir', 'CEPHALOSPORINS', 'Omnicef'),
  ('Cefpodoxime', 'CEPHALOSPORINS', 'Vantin'),
  ('Cefixime', 'CEPHALOSPORINS', 'Suprax'),
  ('Ceftriaxone', 'CEPHALOSPORINS', 'Rocephin'),
  ('Cefotaxime', 'CEPHALOSPORINS', 'Claforan'),
  ('Ceftazidime', 'CEPHALOSPORINS', 'Fortaz;Tazicef'),
  ('Cefepime', 'CEPHALOSPORINS', 'Maxipime'),
  ('Ceftaroline', 'CEPHALOSPORINS', 'Teflaro'),
  ('Meropenem', 'CARBAPENEMS', 'Merrem'),
  ('Imipenem', 'CARBAPENEMS', ''),
  ('Cilastatin', '', ''),
  ('Ertapenem', 'CARBAPENEMS', 'Invanz'),
  ('Doripenem', 'CARBAPENEMS', 'Doribax'),
  ('Aztreonam', 'MONOBACTAMS', 'Azactam;Cayston'),
  ('Sulfamethoxazole', 'SULFONAMIDE_ANTIBIOTICS', ''),
  ('Trimethoprim', '', 'Primsol;Proloprim'),
  ('Sulfadiazine', 'SULFONAMIDE_ANTIBIOTICS', ''),
  ('Sulfasalazine', 'SULFONAMIDE_ANTIBIOTICS', 'Azulfidine'),
  ('Ciprofloxacin', 'FLUOROQUINOLONES', 'Cipro;Ciloxan'),
  ('Levofloxacin', 'FLUOROQUINOLONES', 'Levaquin'),
  ('Moxifloxacin', 'FLUOROQUINOLONES', 'Avelox;Vigamox'),
  ('Ofloxacin', 'FLUOROQUINOLONES', 'Floxin;Ocuflox'),
  ('Azithromycin', 'MACROLIDES', 'Zithromax;Z-Pak;Zmax'),
  ('Clarithromycin', 'MACROLIDES', 'Biaxin'),
  ('Erythromycin', 'MACROLIDES', 'Ery-Tab;EryPed;E.E.S.;Erythrocin'),
  ('Clindamycin', 'LINCOSAMIDES', 'Cleocin;Clindesse'),
  ('Doxycycline', 'TETRACYCLINES', 'Vibramycin;Doryx;Monodox;Acticlate;Oracea'),
  ('Minocycline', 'TETRACYCLINES', 'Minocin;Solodyn'),
  ('Tetracycline', 'TETRACYCLINES', 'Sumycin'),
  ('Gentamicin', 'AMINOGLYCOSIDES', 'Garamycin'),
  ('Tobramycin', 'AMINOGLYCOSIDES', 'Tobrex;TOBI'),
  ('Amikacin', 'AMINOGLYCOSIDES', 'Arikayce'),
  ('Vancomycin', 'GLYCOPEPTIDES', 'Vancocin;Firvanq'),
  ('Linezolid', '', 'Zyvox'),
  ('Metronidazole', '', 'Flagyl;MetroGel'),
  ('Nitrofurantoin', '', 'Macrobid;Macrodantin'),
  ('Mupirocin', '', 'Bactroban'),
  ('Acyclovir', '', 'Zovirax'),
  ('Valacyclovir', '', 'Valtrex'),
  ('Oseltamivir', '', 'Tamiflu'),
  ('Fluconazole', '', 'Diflucan'),
  ('Terbinafine', '', 'Lamisil'),
  ('Nystatin', '', 'Mycostatin'),
  ('Clotrimazole', '', 'Lotrimin;Mycelex'),
  ('Ketoconazole', '', 'Nizoral'),
  ('Ibuprofen', 'NSAIDS', 'Advil;Motrin;Caldolor'),
  ('Naproxen', 'NSAIDS', 'Aleve;Naprosyn;Anaprox'),
  ('Meloxicam', 'NSAIDS', 'Mobic;Vivlodex'),
  ('Diclofenac', 'NSAIDS', 'Voltaren;Cataflam;Zipsor'),
  ('Celecoxib', 'NSAIDS', 'Celebrex'),
  ('Ketorolac', 'NSAIDS', 'Toradol;Sprix'),
  ('Indomethacin', 'NSAIDS', 'Indocin;Tivorbex'),
  ('Nabumetone', 'NSAIDS', 'Relafen'),
  ('Etodolac', 'NSAIDS', 'Lodine'),
  ('Aspirin', 'NSAIDS', 'Bayer;Ecotrin;Bufferin;acetylsalicylic acid;ASA'),
  ('Acetaminophen', '', 'Tylenol;paracetamol;Ofirmev;APAP'),
  ('Tramadol', 'OPIOIDS', 'Ultram;ConZip'),
  ('Hydrocodone', 'OPIOIDS', 'Hysingla;Zohydro'),
  ('Oxycodone', 'OPIOIDS', 'OxyContin;Roxicodone;Oxaydo'),
  ('Morphine', 'OPIOIDS', 'MS Contin;Kadian;Duramorph'),
  ('Hydromorphone', 'OPIOIDS', 'Dilaudid;Exalgo'),
  ('Fentanyl', 'OPIOIDS', 'Duragesic;Actiq;Sublimaze'),
  ('Codeine', 'OPIOIDS', ''),
  ('Buprenorphine', 'OPIOIDS', 'Subutex;Butrans;Sublocade;Belbuca'),
  ('Methadone', 'OPIOIDS', 'Dolophine;Methadose'),
  ('Tapentadol', 'OPIOIDS', 'Nucynta'),
  ('Meperidine', 'OPIOIDS', 'Demerol;pethidine'),
  ('Naloxone', '', 'Narcan;Evzio'),
  ('Naltrexone', '', 'Vivitrol;Revia'),
  ('Alprazolam', 'BENZODIAZEPINES', 'Xanax'),
  ('Clonazepam', 'BENZODIAZEPINES', 'Klonopin'),
  ('Lorazepam', 'BENZODIAZEPINES', 'Ativan'),
  ('Diazepam', 'BENZODIAZEPINES', 'Valium;Diastat'),
  ('Temazepam', 'BENZODIAZEPINES', 'Restoril'),
  ('Midazolam', 'BENZODIAZEPINES', 'Versed;Nayzilam'),
  ('Zolpidem', '', 'Ambien;Edluar;Intermezzo'),
  ('Eszopiclone', '', 'Lunesta'),
  ('Prednisone', '', 'Deltasone;Rayos'),
  ('Prednisolone', '', 'Orapred;Millipred'),
  ('Methylprednisolone', '', 'Medrol;Solu-Medrol;Depo-Medrol'),
  ('Dexamethasone', '', 'Decadron;Hemady'),
  ('Hydrocortisone', '', 'Cortef;Solu-Cortef'),
  ('Clobetasol', '', 'Temovate;Clobex'),
  ('Dextroamphetamine', '', 'Dexedrine;Zenzedi'),
  ('Amphetamine', '', 'Evekeo;Adzenys'),
  ('Lisdexamfetamine', '', 'Vyvanse'),
  ('Methylphenidate', '', 'Ritalin;Concerta;Metadate;Daytrana'),
  ('Atomoxetine', '', 'Strattera'),
  ('Guanfacine', '', 'Intuniv;Tenex'),
  ('Clonidine', '', 'Catapres;Kapvay'),
  ('Insulin glargine', '', 'Lantus;Basaglar;Toujeo;Semglee'),
  ('Insulin aspart', '', 'NovoLog;Fiasp'),
  ('Insulin lispro', '', 'Humalog;Admelog;Lyumjev'),
  ('Insulin detemir', '', 'Levemir'),
  ('Insulin degludec', '', 'Tresiba'),
  ('Insulin human', '', 'Humulin;Novolin;regular insulin'),
  ('Glipizide', '', 'Glucotrol'),
  ('Glimepiride', '', 'Amaryl'),
  ('Glyburide', '', 'Diabeta;Glynase;glibenclamide'),
  ('Pioglitazone', '', 'Actos'),
  ('Sitagliptin', '', 'Januvia'),
  ('Linagliptin', '', 'Tradjenta'),
  ('Empagliflozin', '', 'Jardiance'),
  ('Dapagliflozin', '', 'Farxiga'),
  ('Canagliflozin', '', 'Invokana'),
  ('Dulaglutide', '', 'Trulicity'),
  ('Semaglutide', '', 'Ozempic;Wegovy;Rybelsus'),
  ('Liraglutide', '', 'Victoza;Saxenda'),
  ('Tirzepatide', '', 'Mounjaro;Zepbound'),
  ('Tamsulosin', '', 'Flomax'),
  ('Finasteride', '', 'Proscar;Propecia'),
  ('Oxybutynin', '', 'Ditropan;Oxytrol'),
  ('Tolterodine', '', 'Detrol'),
  ('Solifenacin', '', 'Vesicare'),
  ('Mirabegron', '', 'Myrbetriq'),
  ('Tadalafil', '', 'Cialis;Adcirca'),
  ('Sildenafil', '', 'Viagra;Revatio'),
  ('Potassium chloride', '', 'K-Tab;Klor-Con;K-Dur'),
  ('Clopidogrel', '', 'Plavix'),
  ('Warfarin', '', 'Coumadin;Jantoven'),
  ('Apixaban', '', 'Eliquis'),
  ('Rivaroxaban', '', 'Xarelto'),
  ('Dabigatran', '', 'Pradaxa'),
  ('Enoxaparin', 'HEPARINS', 'Lovenox'),
  ('Heparin', 'HEPARINS', ''),
  ('Allopurinol', '', 'Zyloprim;Aloprim'),
  ('Febuxostat', '', 'Uloric'),
  ('Colchicine', '', 'Colcrys;Mitigare'),
  ('Ergocalciferol', '', 'Drisdol;vitamin D2'),
  ('Cholecalciferol', '', 'vitamin D3;vitamin D'),
  ('Cyanocobalamin', '', 'vitamin B12'),
  ('Folic acid', '', 'folate'),
  ('Ferrous sulfate', '', 'iron sulfate;Feosol'),
  ('Calcium carbonate', '', 'Tums'),
  ('Magnesium oxide', '', 'Mag-Ox'),
  ('Omega-3-acid ethyl esters', '', 'Lovaza;fish oil'),
  ('Estradiol', '', 'Estrace;Vivelle;Climara'),
  ('Ethinyl estradiol', '', ''),
  ('Norethindrone', '', 'Aygestin;Camila;Errin'),
  ('Levonorgestrel', '', 'Plan B;Mirena'),
  ('Drospirenone', '', ''),
  ('Medroxyprogesterone', '', 'Provera;Depo-Provera'),
  ('Progesterone', '', 'Prometrium'),
  ('Testosterone', '', 'AndroGel;Depo-Testosterone;Testim'),
  ('Raloxifene', '', 'Evista'),
  ('Alendronate', '', 'Fosamax'),
  ('Fenofibrate', '', 'Tricor;Trilipix;Fenoglide'),
  ('Gemfibrozil', '', 'Lopid'),
  ('Ezetimibe', '', 'Zetia'),
  ('Topiramate', '', 'Topamax;Trokendi;Qudexy'),
  ('Lamotrigine', 'AROMATIC_ANTICONVULSANTS', 'Lamictal'),
  ('Levetiracetam', '', 'Keppra;Spritam'),
  ('Carbamazepine', 'AROMATIC_ANTICONVULSANTS', 'Tegretol;Carbatrol;Epitol'),
  ('Oxcarbazepine', 'AROMATIC_ANTICONVULSANTS', 'Trileptal;Oxtellar'),
  ('Phenytoin', 'AROMATIC_ANTICONVULSANTS', 'Dilantin'),
  ('Phenobarbital', 'AROMATIC_ANTICONVULSANTS', 'Luminal'),
  ('Divalproex', '', 'Depakote'),
  ('Valproic acid', '', 'Depakene;valproate'),
  ('Lithium', '', 'Lithobid'),
  ('Quetiapine', '', 'Seroquel'),
  ('Aripiprazole', '', 'Abilify'),
  ('Risperidone', '', 'Risperdal'),
  ('Olanzapine', '', 'Zyprexa'),
  ('Lurasidone', '', 'Latuda'),
  ('Ziprasidone', '', 'Geodon'),
  ('Haloperidol', '', 'Haldol'),
  ('Donepezil', '', 'Aricept'),
  ('Memantine', '', 'Namenda'),
  ('Ropinirole', '', 'Requip'),
  ('Pramipexole', '', 'Mirapex'),
  ('Carbidopa', '', 'Lodosyn'),
  ('Levodopa', '', ''),
  ('Cyclobenzaprine', '', 'Flexeril;Amrix'),
  ('Tizanidine', '', 'Zanaflex'),
  ('Methocarbamol', '', 'Robaxin'),
  ('Baclofen', '', 'Lioresal;Ozobax'),
  ('Sumatriptan', '', 'Imitrex;Tosymra'),
  ('Rizatriptan', '', 'Maxalt'),
  ('Hydralazine', '', 'Apresoline'),
  ('Isosorbide mononitrate', '', 'Imdur;Monoket'),
  ('Nitroglycerin', '', 'Nitrostat;Nitro-Dur;glyceryl trinitrate'),
  ('Digoxin', '', 'Lanoxin'),
  ('Amiodarone', '', 'Pacerone;Cordarone;Nexterone'),
  ('Methotrexate', '', 'Trexall;Otrexup;Rasuvo'),
  ('Hydroxychloroquine', '', 'Plaquenil'),
  ('Adalimumab', '', 'Humira'),
  ('Etanercept', '', 'Enbrel'),
  ('Latanoprost', '', 'Xalatan'),
  ('Timolol', '', 'Timoptic'),
  ('Brimonidine', '', 'Alphagan'),
  ('Dorzolamide', '', 'Trusopt'),
  ('Benzonatate', '', 'Tessalon'),
  ('Dicyclomine', '', 'Bentyl'),
  ('Docusate', '', 'Colace'),
  ('Polyethylene glycol 3350', '', 'MiraLAX;GlycoLax'),
  ('Sennosides', '', 'Senokot;senna'),
  ('Mesalamine', '', 'Lialda;Asacol;Pentasa;Apriso'),
  ('Methimazole', '', 'Tapazole'),
  ('Tamoxifen', '', 'Soltamox'),
  ('Anastrozole', '', 'Arimidex'),
  ('Letrozole', '', 'Femara'),
  ('Lidocaine', '', 'Xylocaine;Lidoderm'),
  ('Epinephrine', '', 'EpiPen;Adrenalin;Auvi-Q'),
  ('Tretinoin', '', 'Retin-A'),
  ('Isotretinoin', '', 'Absorica;Claravis;Accutane'),
  ('Iohexol', 'IODINATED_CONTRAST', 'Omnipaque'),
  ('Iopamidol', 'IODINATED_CONTRAST', 'Isovue'),
  ('Iodixanol', 'IODINATED_CONTRAST', 'Visipaque'),
  ('Ioversol', 'IODINATED_CONTRAST', 'Optiray'),
  ('Iopromide', 'IODINATED_CONTRAST', 'Ultravist'),
  ('Diatrizoate', 'IODINATED_CONTRAST', 'Gastrografin;Cystografin'),
  ('Gadobutrol', 'GADOLINIUM_CONTRAST', 'Gadavist;Gadovist'),
  ('Gadoterate', 'GADOLINIUM_CONTRAST', 'Dotarem;Clariscan'),
  ('Gadopentetate', 'GADOLINIUM_CONTRAST', 'Magnevist'),
  ('Gadobenate', 'GADOLINIUM_CONTRAST', 'MultiHance'),
  ('Gadoteridol', 'GADOLINIUM_CONTRAST', 'ProHance'),
  ('Gadoxetate', 'GADOLINIUM_CONTRAST', 'Eovist;Primovist'),
  ('Natural rubber latex', 'LATEX', 'latex gloves');

insert into drug_ingredients (display_name) select ingredient from drug_source;
insert into drug_ingredient_classes (ingredient, class_code)
  select distinct normalize_drug_name(s.ingredient), btrim(c)
  from drug_source s cross join unnest(string_to_array(s.classes, ',')) c where btrim(c) <> '';
insert into drug_terms (display_name, kind) select ingredient, 'INGREDIENT' from drug_source;
insert into drug_term_ingredients (term, ingredient) select normalize_drug_name(ingredient), normalize_drug_name(ingredient) from drug_source;
insert into drug_terms (display_name, kind)
  select distinct on (normalize_drug_name(btrim(n))) btrim(n), case when btrim(n) ~ '^[A-Z]' then 'BRAND' else 'SYNONYM' end
  from drug_source s cross join unnest(string_to_array(s.names, ';')) n
  where btrim(n) <> ''
  on conflict (term) do nothing;
insert into drug_term_ingredients (term, ingredient)
  select distinct normalize_drug_name(btrim(n)), normalize_drug_name(s.ingredient)
  from drug_source s cross join unnest(string_to_array(s.names, ';')) n
  where btrim(n) <> ''
  on conflict do nothing;

-- Combination products: display name, ingredients (|-separated), other names (;-separated).
create temporary table drug_combination_source (display_name text, ingredients text, names text) on commit drop;
insert into drug_combination_source (display_name, ingredients, names) values
  ('Amoxicillin and clavulanate', 'amoxicillin|clavulanate', 'Augmentin;co-amoxiclav;amoxicillin-clavulanic acid;Amoxiclav'),
  ('Ampicillin and sulbactam', 'ampicillin|sulbactam', 'Unasyn'),
  ('Piperacillin and tazobactam', 'piperacillin|tazobactam', 'Zosyn;Tazocin;pip-tazo'),
  ('Imipenem and cilastatin', 'imipenem|cilastatin', 'Primaxin'),
  ('Sulfamethoxazole and trimethoprim', 'sulfamethoxazole|trimethoprim', 'Bactrim;Bactrim DS;Septra;co-trimoxazole;SMX-TMP;TMP-SMX'),
  ('Hydrocodone and acetaminophen', 'hydrocodone|acetaminophen', 'Norco;Vicodin;Lortab;Lorcet'),
  ('Oxycodone and acetaminophen', 'oxycodone|acetaminophen', 'Percocet;Endocet;Roxicet'),
  ('Acetaminophen and codeine', 'acetaminophen|codeine', 'Tylenol with Codeine;Tylenol #3'),
  ('Buprenorphine and naloxone', 'buprenorphine|naloxone', 'Suboxone;Zubsolv'),
  ('Lisinopril and hydrochlorothiazide', 'lisinopril|hydrochlorothiazide', 'Zestoretic;Prinzide'),
  ('Losartan and hydrochlorothiazide', 'losartan|hydrochlorothiazide', 'Hyzaar'),
  ('Valsartan and hydrochlorothiazide', 'valsartan|hydrochlorothiazide', 'Diovan HCT'),
  ('Amlodipine and benazepril', 'amlodipine|benazepril', 'Lotrel'),
  ('Sacubitril and valsartan', 'sacubitril|valsartan', 'Entresto'),
  ('Triamterene and hydrochlorothiazide', 'triamterene|hydrochlorothiazide', 'Dyazide;Maxzide'),
  ('Budesonide and formoterol', 'budesonide|formoterol', 'Symbicort'),
  ('Fluticasone and salmeterol', 'fluticasone|salmeterol', 'Advair;Wixela'),
  ('Fluticasone and vilanterol', 'fluticasone|vilanterol', 'Breo Ellipta'),
  ('Carbidopa and levodopa', 'carbidopa|levodopa', 'Sinemet;Rytary'),
  ('Dextroamphetamine and amphetamine', 'dextroamphetamine|amphetamine', 'Adderall;Mydayis'),
  ('Sitagliptin and metformin', 'sitagliptin|metformin', 'Janumet'),
  ('Ethinyl estradiol and norethindrone', 'ethinyl estradiol|norethindrone', 'Loestrin;Junel;Microgestin'),
  ('Ethinyl estradiol and levonorgestrel', 'ethinyl estradiol|levonorgestrel', 'Seasonique;Aviane;Levora'),
  ('Drospirenone and ethinyl estradiol', 'drospirenone|ethinyl estradiol', 'Yaz;Yasmin'),
  ('Ezetimibe and simvastatin', 'ezetimibe|simvastatin', 'Vytorin');

insert into drug_terms (display_name, kind)
  select display_name, 'COMBINATION' from drug_combination_source
  union all
  select btrim(n), case when btrim(n) ~ '^[A-Z]' then 'BRAND' else 'SYNONYM' end
  from drug_combination_source s cross join unnest(string_to_array(s.names, ';')) n where btrim(n) <> ''
  on conflict (term) do nothing;
insert into drug_term_ingredients (term, ingredient)
  select distinct normalize_drug_name(name), normalize_drug_name(btrim(i))
  from drug_combination_source s
  cross join unnest(array[s.display_name] || string_to_array(coalesce(s.names, ''), ';')) name
  cross join unnest(string_to_array(s.ingredients, '|')) i
  where btrim(name) <> ''
  on conflict do nothing;

-- Names of whole classes, as patients and clinicians record allergies ("sulfa", "penicillin", "contrast dye").
create temporary table class_term_source (display_name text, class_code text) on commit drop;
insert into class_term_source (display_name, class_code) values
  ('Penicillin', 'PENICILLINS'),
  ('Penicillins', 'PENICILLINS'),
  ('Penicillin antibiotics', 'PENICILLINS'),
  ('Beta-lactam', 'PENICILLINS'),
  ('Cephalosporin', 'CEPHALOSPORINS'),
  ('Cephalosporins', 'CEPHALOSPORINS'),
  ('Carbapenem', 'CARBAPENEMS'),
  ('Carbapenems', 'CARBAPENEMS'),
  ('Sulfa', 'SULFONAMIDE_ANTIBIOTICS'),
  ('Sulfa drugs', 'SULFONAMIDE_ANTIBIOTICS'),
  ('Sulfonamide', 'SULFONAMIDE_ANTIBIOTICS'),
  ('Sulfonamides', 'SULFONAMIDE_ANTIBIOTICS'),
  ('Sulfonamide antibiotics', 'SULFONAMIDE_ANTIBIOTICS'),
  ('Fluoroquinolone', 'FLUOROQUINOLONES'),
  ('Fluoroquinolones', 'FLUOROQUINOLONES'),
  ('Quinolones', 'FLUOROQUINOLONES'),
  ('Macrolide', 'MACROLIDES'),
  ('Macrolides', 'MACROLIDES'),
  ('Tetracyclines', 'TETRACYCLINES'),
  ('Aminoglycosides', 'AMINOGLYCOSIDES'),
  ('NSAID', 'NSAIDS'),
  ('NSAIDs', 'NSAIDS'),
  ('Non-steroidal anti-inflammatory drugs', 'NSAIDS'),
  ('Salicylates', 'NSAIDS'),
  ('Opioid', 'OPIOIDS'),
  ('Opioids', 'OPIOIDS'),
  ('Opiates', 'OPIOIDS'),
  ('Narcotics', 'OPIOIDS'),
  ('ACE inhibitor', 'ACE_INHIBITORS'),
  ('ACE inhibitors', 'ACE_INHIBITORS'),
  ('ARB', 'ANGIOTENSIN_RECEPTOR_BLOCKERS'),
  ('Sartans', 'ANGIOTENSIN_RECEPTOR_BLOCKERS'),
  ('Statins', 'STATINS'),
  ('Benzodiazepines', 'BENZODIAZEPINES'),
  ('Heparins', 'HEPARINS'),
  ('Iodinated contrast', 'IODINATED_CONTRAST'),
  ('Iodinated contrast media', 'IODINATED_CONTRAST'),
  ('Iodinated contrast medium', 'IODINATED_CONTRAST'),
  ('Contrast', 'IODINATED_CONTRAST'),
  ('Contrast dye', 'IODINATED_CONTRAST'),
  ('Contrast media', 'IODINATED_CONTRAST'),
  ('IV contrast', 'IODINATED_CONTRAST'),
  ('CT contrast', 'IODINATED_CONTRAST'),
  ('X-ray dye', 'IODINATED_CONTRAST'),
  ('Iodine', 'IODINATED_CONTRAST'),
  ('Gadolinium', 'GADOLINIUM_CONTRAST'),
  ('Gadolinium contrast', 'GADOLINIUM_CONTRAST'),
  ('MRI contrast', 'GADOLINIUM_CONTRAST'),
  ('GBCA', 'GADOLINIUM_CONTRAST'),
  ('Latex', 'LATEX'),
  ('Rubber', 'LATEX');
insert into drug_terms (display_name, kind) select display_name, 'CLASS' from class_term_source on conflict (term) do nothing;
insert into drug_term_classes (term, class_code)
  select distinct normalize_drug_name(display_name), class_code from class_term_source on conflict do nothing;

grant select on drug_vocabulary_releases, allergy_classes, allergy_class_cross_reactions, drug_ingredients,
  drug_ingredient_classes, drug_terms, drug_term_ingredients, drug_term_classes to health_app;

-- Names an organization adds (local brands, compounded products): resolved beside the global vocabulary.
create table organization_drug_terms (
  id              uuid not null default gen_random_uuid(),
  organization_id uuid not null references organizations (id),
  display_name    text not null check (char_length(display_name) between 1 and 200),
  term            text not null generated always as (normalize_drug_name(display_name)) stored,
  ingredients     text[] not null default '{}' check (cardinality(ingredients) <= 20),
  class_codes     text[] not null default '{}' check (cardinality(class_codes) <= 20),
  created_by      uuid not null,
  created_at      timestamptz not null default now(),
  primary key (organization_id, id),
  constraint organization_drug_terms_term_unique unique (organization_id, term),
  check (term <> ''),
  check (cardinality(ingredients) + cardinality(class_codes) > 0),
  foreign key (organization_id, created_by) references users (organization_id, id)
);
comment on table organization_drug_terms is
  'Drug names an organization adds to the global vocabulary; ingredients are normalized names, class_codes allergy classes.';
create index organization_drug_terms_term_trgm_idx on organization_drug_terms using gin (term gin_trgm_ops);
create index organization_drug_terms_org_created_by_idx on organization_drug_terms (organization_id, created_by);
alter table organization_drug_terms enable row level security;
alter table organization_drug_terms force row level security;
create policy tenant_isolation on organization_drug_terms
  using (organization_id = app_current_org()) with check (organization_id = app_current_org());
grant select, insert on organization_drug_terms to health_app;

-- Resolves a medication or allergen name: exact term, else known terms contained in it as whole words, else the
-- nearest spelling (edit distance 1, or 2 for names of 12+ characters). Ingredients and classes of what matched.
create function resolve_drug_term(p_organization_id uuid, p_input text)
returns table (normalized text, match_kind text, matched_terms text[], ingredients text[], class_codes text[])
language sql stable parallel safe as $$
  with input as (select coalesce(normalize_drug_name(p_input), '') as v),
  exact as (
    select t.term from drug_terms t, input where t.term = input.v
    union
    select o.term from organization_drug_terms o, input where o.organization_id = p_organization_id and o.term = input.v
  ),
  contained as (
    select t.term from drug_terms t, input
    where not exists (select from exact) and char_length(t.term) >= 4
      and strpos(' ' || input.v || ' ', ' ' || t.term || ' ') > 0
    union
    select o.term from organization_drug_terms o, input
    where not exists (select from exact) and o.organization_id = p_organization_id and char_length(o.term) >= 4
      and strpos(' ' || input.v || ' ', ' ' || o.term || ' ') > 0
  ),
  spelled as (
    select c.term from (
      select t.term from drug_terms t, input where t.term % input.v
      union
      select o.term from organization_drug_terms o, input where o.organization_id = p_organization_id and o.term % input.v
    ) c, input
    where not exists (select from exact) and not exists (select from contained) and char_length(input.v) between 5 and 255
      and levenshtein(c.term, input.v) <= case when char_length(input.v) >= 12 then 2 else 1 end
    order by levenshtein(c.term, input.v), c.term
    limit 1
  ),
  matched (term, kind) as (
    select term, 'EXACT' from exact union all select term, 'CONTAINS' from contained union all select term, 'SPELLING' from spelled
  ),
  matched_ingredients as (
    select i.ingredient from matched m join drug_term_ingredients i on i.term = m.term
    union
    select unnest(o.ingredients) from matched m
      join organization_drug_terms o on o.organization_id = p_organization_id and o.term = m.term
  )
  select input.v,
         coalesce((select min(kind) from matched), 'NONE'),
         array(select distinct term from matched order by 1),
         array(select ingredient from matched_ingredients order by 1),
         array(
           select c.class_code from matched m join drug_term_classes c on c.term = m.term
           union
           select unnest(o.class_codes) from matched m
             join organization_drug_terms o on o.organization_id = p_organization_id and o.term = m.term
           union
           select ic.class_code from matched_ingredients mi join drug_ingredient_classes ic on ic.ingredient = mi.ingredient
           order by 1)
  from input
$$;
comment on function resolve_drug_term(uuid, text) is
  'Ingredients and allergy classes of a medication or allergen name (EXACT, CONTAINS, SPELLING or NONE).';

-- Finding 6: a note names who may co-sign it; finding 2: why a contrast study was ordered despite an allergy.
alter table clinical_notes add column cosigner_id uuid;
alter table clinical_notes add constraint clinical_notes_cosigner_fkey
  foreign key (organization_id, cosigner_id) references users (organization_id, id);
create index clinical_notes_org_cosigner_idx on clinical_notes (organization_id, cosigner_id) where cosigner_id is not null;
alter table imaging_orders add column allergy_override_reason text
  check (char_length(allergy_override_reason) between 1 and 1000);

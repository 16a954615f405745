"""The curated part of the occupation taxonomy: which O*NET occupations the generator posts,
how often, under which real-world titles, with which skills. Official titles, descriptions
and task statements come from packaged O*NET data (`jobsearch.taxonomy.occupations`)."""

from __future__ import annotations

# SOC major groups (2018 SOC): the occupation "families".
SOC_FAMILIES: dict[str, str] = {
    "11": "Management",
    "13": "Business and Financial Operations",
    "15": "Computer and Mathematical",
    "17": "Architecture and Engineering",
    "19": "Life, Physical, and Social Science",
    "21": "Community and Social Service",
    "23": "Legal",
    "25": "Educational Instruction and Library",
    "27": "Arts, Design, Entertainment, Sports, and Media",
    "29": "Healthcare Practitioners and Technical",
    "31": "Healthcare Support",
    "33": "Protective Service",
    "35": "Food Preparation and Serving Related",
    "37": "Building and Grounds Cleaning and Maintenance",
    "39": "Personal Care and Service",
    "41": "Sales and Related",
    "43": "Office and Administrative Support",
    "45": "Farming, Fishing, and Forestry",
    "47": "Construction and Extraction",
    "49": "Installation, Maintenance, and Repair",
    "51": "Production",
    "53": "Transportation and Material Moving",
}

# One line per occupation: code | weight | mode | titles (most common first) | skills.
# weight: relative share of postings. mode: "tech" (remote-friendly), "office" (hybrid-
# friendly), "field" (on site). A "*" after the mode marks roles usually paid by the hour.
OCCUPATION_LINES = """
15-1252.00|14|tech|Software Engineer;Software Developer;Backend Engineer;Full Stack Developer;Frontend Engineer;Mobile Engineer;iOS Developer;Android Developer|Python;Java;TypeScript;Go;Kotlin;React;Node.js;PostgreSQL;Kubernetes;Docker;AWS;REST APIs;microservices;CI/CD;Git
15-1243.00|8|tech|Data Engineer;Data Platform Engineer;Big Data Engineer;Analytics Engineer;ETL Developer;Data Architect|Python;SQL;Apache Spark;Apache Airflow;Kafka;dbt;Snowflake;BigQuery;Databricks;AWS;Scala;data modeling;data warehousing
15-2051.00|4|tech|Data Scientist;Machine Learning Engineer;Applied Scientist;ML Engineer;AI Engineer|Python;machine learning;PyTorch;scikit-learn;SQL;statistics;TensorFlow;deep learning;NLP;A/B testing;pandas
15-2051.01|3|office|Data Analyst;Business Intelligence Analyst;BI Developer;Reporting Analyst;Analytics Specialist|SQL;Tableau;Power BI;Excel;Looker;Python;data visualization;dashboards;ETL
15-1242.00|1.5|tech|Database Administrator;DBA;Database Engineer;Oracle DBA|PostgreSQL;Oracle;SQL Server;MySQL;backup and recovery;performance tuning;Linux;replication
15-1212.00|2.5|tech|Security Engineer;Cybersecurity Analyst;Information Security Analyst;SOC Analyst;Application Security Engineer|SIEM;incident response;penetration testing;network security;cloud security;ISO 27001;threat modeling;Python
15-1244.00|2|office|Systems Administrator;Network Administrator;IT Administrator;Linux Administrator|Linux;Windows Server;Active Directory;networking;Bash;VMware;Microsoft 365;monitoring
15-1241.00|1.5|tech|Network Engineer;Cloud Architect;Network Architect;Solutions Architect|Cisco;routing and switching;AWS;Azure;Terraform;network design;firewalls;SD-WAN
15-1232.00|2.5|office|IT Support Specialist;Help Desk Technician;Service Desk Analyst;Desktop Support Technician|troubleshooting;Windows;macOS;ticketing systems;Active Directory;customer service;hardware support
15-1211.00|1.5|office|Systems Analyst;IT Business Analyst;Business Systems Analyst;ERP Analyst|requirements analysis;SQL;SAP;process modeling;UML;stakeholder management;Jira
15-1253.00|2|tech|QA Engineer;Test Automation Engineer;Software Development Engineer in Test;QA Analyst|Selenium;Cypress;test automation;Python;Java;API testing;CI/CD;Playwright
15-1254.00|2|tech|Web Developer;Frontend Developer;WordPress Developer;JavaScript Developer|JavaScript;TypeScript;React;HTML;CSS;Vue.js;Next.js;accessibility;PHP
15-1255.00|2|tech|UX Designer;Product Designer;UI Designer;UX Researcher;Interaction Designer|Figma;user research;prototyping;design systems;usability testing;wireframing;accessibility
15-1299.08|4|tech|DevOps Engineer;Site Reliability Engineer;Platform Engineer;Cloud Engineer;Infrastructure Engineer|Kubernetes;Terraform;AWS;GCP;Azure;Docker;Prometheus;Linux;CI/CD;Ansible;Go;Python
15-2031.00|0.8|office|Operations Research Analyst;Optimization Scientist;Decision Scientist|linear programming;Python;simulation;optimization;statistics;SQL;Gurobi
15-2041.00|0.6|office|Statistician;Biostatistician;Statistical Analyst|R;SAS;statistics;experimental design;Python;regression modeling;clinical trials
15-2011.00|0.4|office|Actuary;Actuarial Analyst;Pricing Actuary|actuarial modeling;Excel;R;SQL;risk analysis;insurance pricing;Prophet
11-3021.00|3|tech|Engineering Manager;IT Manager;Head of Engineering;Director of Engineering;Technology Manager|people management;software delivery;agile;roadmapping;hiring;stakeholder management;cloud architecture
11-2021.00|2|office|Product Manager;Marketing Manager;Product Marketing Manager;Growth Marketing Manager;Brand Manager|product strategy;roadmapping;go-to-market;analytics;A/B testing;user research;SEO
11-2022.00|1.5|office|Sales Manager;Regional Sales Manager;Sales Director;Key Account Manager|B2B sales;Salesforce;negotiation;pipeline management;forecasting;team leadership
11-3031.00|1.2|office|Finance Manager;Financial Controller;Treasury Manager;Head of Finance|financial reporting;budgeting;IFRS;US GAAP;forecasting;Excel;SAP
11-3121.00|1|office|HR Manager;People Manager;HR Business Partner;Head of People|employee relations;labor law;performance management;HRIS;talent management;compensation
11-9111.00|1|field|Clinic Manager;Practice Manager;Healthcare Administrator;Health Services Manager|healthcare operations;budgeting;compliance;staff scheduling;EHR systems;quality improvement
11-1021.00|2|field|Operations Manager;General Manager;Plant Manager;Branch Manager|operations management;P&L;lean;budgeting;team leadership;KPI tracking
11-9021.00|1|field|Construction Manager;Site Manager;Construction Project Manager|project scheduling;cost control;OSHA;contract management;AutoCAD;Procore
11-3071.00|1|field|Logistics Manager;Warehouse Manager;Distribution Center Manager;Supply Chain Manager|warehouse management systems;inventory control;SAP;lean;transportation planning;team leadership
13-2011.00|2.5|office|Accountant;Staff Accountant;Senior Accountant;Auditor;Tax Accountant|US GAAP;IFRS;month-end close;reconciliations;Excel;SAP;QuickBooks;tax compliance
13-2051.00|2|office|Financial Analyst;FP&A Analyst;Investment Analyst;Equity Research Analyst|financial modeling;Excel;forecasting;valuation;SQL;Power BI;budgeting
13-1071.00|2|office|Recruiter;Talent Acquisition Specialist;HR Generalist;HR Specialist;Technical Recruiter|sourcing;interviewing;applicant tracking systems;employer branding;onboarding;labor law
13-1161.00|2|office|Digital Marketing Specialist;Marketing Specialist;SEO Specialist;Market Research Analyst;Content Marketing Manager|SEO;Google Analytics;content marketing;paid social;email marketing;HubSpot;copywriting
13-1082.00|2.5|office|Project Manager;Program Manager;Technical Program Manager;Scrum Master;Delivery Manager|agile;Scrum;Jira;risk management;stakeholder management;PMP;budgeting
13-1111.00|1.5|office|Business Analyst;Management Consultant;Strategy Consultant;Process Improvement Analyst|process mapping;requirements gathering;Excel;PowerPoint;stakeholder management;Lean Six Sigma
13-1081.00|1|office|Logistics Analyst;Supply Chain Analyst;Demand Planner;Logistics Coordinator|supply chain planning;SAP;Excel;forecasting;inventory management;SQL
13-1023.00|0.8|office|Buyer;Procurement Specialist;Purchasing Agent;Category Buyer|procurement;negotiation;supplier management;SAP Ariba;contract management;Excel
13-1041.00|0.8|office|Compliance Officer;Compliance Analyst;AML Analyst;Regulatory Compliance Specialist|regulatory compliance;AML;KYC;risk assessment;auditing;policy writing
13-2072.00|0.5|office|Loan Officer;Mortgage Loan Officer;Credit Analyst|credit analysis;underwriting;mortgage lending;customer relationships;risk assessment
17-2141.00|1.5|field|Mechanical Engineer;Design Engineer;Mechanical Design Engineer;Product Development Engineer|SolidWorks;CAD;FEA;GD&T;thermodynamics;prototyping;MATLAB
17-2071.00|1.2|field|Electrical Engineer;Power Systems Engineer;Controls Engineer|circuit design;PLC;power systems;AutoCAD Electrical;MATLAB;control systems
17-2051.00|1.2|field|Civil Engineer;Structural Engineer;Geotechnical Engineer;Transportation Engineer|AutoCAD;Civil 3D;structural analysis;Revit;project management;surveying
17-2112.00|1|field|Industrial Engineer;Manufacturing Engineer;Process Engineer;Quality Engineer|lean manufacturing;Six Sigma;process optimization;CAD;statistical process control;root cause analysis
17-2061.00|0.6|tech|Hardware Engineer;Computer Hardware Engineer;FPGA Engineer|Verilog;VHDL;FPGA;PCB design;signal integrity;C
17-2072.00|0.8|tech|Embedded Software Engineer;Firmware Engineer;Electronics Engineer|C;C++;embedded Linux;RTOS;microcontrollers;PCB design
17-1011.00|0.6|office|Architect;Project Architect;Design Architect|Revit;AutoCAD;BIM;building codes;design development;SketchUp
17-2031.00|0.4|field|Biomedical Engineer;Medical Device Engineer|medical devices;FDA regulations;ISO 13485;CAD;MATLAB;verification and validation
17-2081.00|0.4|field|Environmental Engineer;Sustainability Engineer|environmental compliance;water treatment;GIS;AutoCAD;air quality;ESG reporting
19-1042.00|0.6|field|Research Scientist;Medical Scientist;Clinical Research Scientist|clinical research;cell culture;PCR;data analysis;GCP;scientific writing
19-2031.00|0.5|field|Chemist;Analytical Chemist;Formulation Chemist|HPLC;GC-MS;analytical chemistry;GLP;method development;spectroscopy
19-1029.04|0.4|field|Biologist;Molecular Biologist;Microbiologist|molecular biology;PCR;cell culture;CRISPR;data analysis;lab safety
19-3011.00|0.3|office|Economist;Economic Analyst;Research Economist|econometrics;Stata;R;Python;forecasting;policy analysis
19-4021.00|0.5|field|Lab Technician;Laboratory Technician;Research Associate|lab safety;sample preparation;PCR;documentation;LIMS;quality control
21-1021.00|0.6|field|Social Worker;Case Manager;Child Welfare Caseworker|case management;crisis intervention;documentation;family support;community resources
21-1014.00|0.6|field|Mental Health Counselor;Therapist;Behavioral Health Counselor|CBT;counseling;crisis intervention;treatment planning;documentation
23-1011.00|1|office|Lawyer;Attorney;Corporate Counsel;Associate Attorney;Legal Counsel|contract law;legal research;litigation;negotiation;compliance;drafting
23-2011.00|0.8|office|Paralegal;Legal Assistant;Litigation Paralegal|legal research;document management;e-discovery;drafting;case management
25-2021.00|1|field|Elementary School Teacher;Primary Teacher;Classroom Teacher|lesson planning;classroom management;curriculum development;differentiated instruction;student assessment
25-2031.00|1|field|High School Teacher;Secondary Teacher;Math Teacher;Science Teacher|lesson planning;classroom management;subject expertise;student assessment;curriculum development
25-9031.00|0.5|office|Instructional Designer;Curriculum Developer;Learning Designer|instructional design;e-learning;Articulate Storyline;LMS;curriculum development;ADDIE
27-1024.00|1|office|Graphic Designer;Visual Designer;Brand Designer|Adobe Photoshop;Illustrator;InDesign;Figma;typography;branding
27-3042.00|0.6|tech|Technical Writer;Documentation Engineer;Content Designer|technical writing;Markdown;API documentation;DITA;Git;editing
27-3031.00|0.6|office|Communications Manager;PR Specialist;Public Relations Manager|media relations;press releases;crisis communication;social media;copywriting
27-3043.00|0.6|tech|Content Writer;Copywriter;Content Strategist|copywriting;SEO;editing;content strategy;CMS;storytelling
29-1141.00|5|field*|Registered Nurse;Staff Nurse;ICU Nurse;Charge Nurse;Emergency Room Nurse;Travel Nurse|patient care;BLS;ACLS;medication administration;EHR systems;care planning;triage
29-1171.00|0.8|field|Nurse Practitioner;Family Nurse Practitioner;Psychiatric Nurse Practitioner|patient assessment;diagnosis;prescribing;EHR systems;chronic disease management
29-1051.00|0.8|field|Pharmacist;Clinical Pharmacist;Retail Pharmacist|medication therapy management;dispensing;pharmacology;patient counseling;compounding
29-1123.00|0.7|field*|Physical Therapist;Physiotherapist;Outpatient Physical Therapist|rehabilitation;manual therapy;therapeutic exercise;patient assessment;documentation
29-1215.00|0.5|field|Family Medicine Physician;General Practitioner;Primary Care Physician|diagnosis;patient care;preventive medicine;EHR systems;chronic disease management
29-2052.00|0.8|field*|Pharmacy Technician;Certified Pharmacy Technician|dispensing;inventory management;pharmacy software;customer service;insurance billing
29-2061.00|1|field*|Licensed Practical Nurse;LPN;Licensed Vocational Nurse|patient care;medication administration;vital signs;wound care;documentation
29-1292.00|0.4|field*|Dental Hygienist;Registered Dental Hygienist|teeth cleaning;periodontal care;dental X-rays;patient education;infection control
29-2034.00|0.5|field*|Radiologic Technologist;X-Ray Technician;CT Technologist|radiography;CT imaging;patient positioning;radiation safety;PACS
29-1071.00|0.5|field|Physician Assistant;Physician Associate|patient assessment;diagnosis;prescribing;procedures;EHR systems
31-1131.00|2|field*|Nursing Assistant;Certified Nursing Assistant;CNA;Patient Care Assistant|patient care;vital signs;personal care;infection control;documentation
31-9092.00|1.2|field*|Medical Assistant;Clinical Medical Assistant;Certified Medical Assistant|vital signs;phlebotomy;EHR systems;patient scheduling;medical terminology
33-9032.00|1|field*|Security Officer;Security Guard;Loss Prevention Officer|patrolling;access control;CCTV monitoring;incident reporting;first aid
35-1011.00|0.8|field|Head Chef;Sous Chef;Executive Chef;Kitchen Manager|menu development;food safety;kitchen management;cost control;HACCP
35-2014.00|1.2|field*|Line Cook;Cook;Prep Cook;Restaurant Cook|food preparation;food safety;knife skills;grill;kitchen hygiene
35-3031.00|1|field*|Server;Waiter;Waitress;Restaurant Server|customer service;POS systems;food safety;upselling;teamwork
37-2011.00|0.8|field*|Janitor;Custodian;Cleaner;Housekeeper|cleaning;sanitation;floor care;safety procedures;equipment handling
41-2031.00|2|field*|Retail Sales Associate;Sales Associate;Store Associate;Retail Associate|customer service;POS systems;merchandising;product knowledge;cash handling
41-4012.00|1.5|office|Sales Representative;Territory Sales Manager;Outside Sales Representative;Field Sales Representative|B2B sales;CRM;prospecting;negotiation;account management;Salesforce
41-3091.00|2|office|Account Executive;Business Development Representative;Sales Development Representative;Customer Success Manager|SaaS sales;Salesforce;prospecting;cold calling;negotiation;HubSpot;account management
41-1011.00|1|field|Store Manager;Assistant Store Manager;Retail Store Manager|retail operations;team leadership;inventory management;visual merchandising;P&L
41-2011.00|1|field*|Cashier;Front End Cashier;Checkout Assistant|cash handling;POS systems;customer service;accuracy
43-4051.00|2.5|office*|Customer Service Representative;Customer Support Specialist;Call Center Agent;Customer Support Agent|customer service;Zendesk;CRM;communication;problem solving;ticketing systems
43-6014.00|1.2|office*|Administrative Assistant;Office Assistant;Receptionist;Front Desk Coordinator|Microsoft Office;scheduling;data entry;phone etiquette;filing
43-6011.00|0.6|office|Executive Assistant;Executive Administrative Assistant|calendar management;travel coordination;Microsoft Office;confidentiality;event planning
43-3031.00|1|office*|Bookkeeper;Accounting Clerk;Accounts Payable Specialist;Accounts Receivable Clerk|QuickBooks;accounts payable;accounts receivable;reconciliations;Excel;invoicing
43-5071.00|0.8|field*|Shipping and Receiving Clerk;Logistics Clerk;Inventory Clerk|inventory management;shipping;receiving;warehouse management systems;data entry
47-2111.00|1.2|field*|Electrician;Journeyman Electrician;Maintenance Electrician|electrical wiring;NEC code;troubleshooting;blueprint reading;conduit bending
47-2152.00|0.8|field*|Plumber;Journeyman Plumber;Service Plumber|pipe fitting;plumbing codes;troubleshooting;blueprint reading;water heaters
47-2031.00|0.8|field*|Carpenter;Finish Carpenter;Framer|framing;blueprint reading;power tools;finish carpentry;measuring
47-1011.00|0.6|field|Construction Foreman;Site Supervisor;General Foreman|crew supervision;OSHA;scheduling;blueprint reading;quality control
49-3023.00|1|field*|Automotive Technician;Auto Mechanic;Service Technician|diagnostics;brake repair;engine repair;ASE certification;electrical systems
49-9021.00|0.8|field*|HVAC Technician;HVAC Service Technician;Refrigeration Technician|HVAC systems;refrigeration;troubleshooting;EPA certification;preventive maintenance
49-9071.00|1|field*|Maintenance Technician;Maintenance Worker;Facilities Technician|preventive maintenance;electrical;plumbing;HVAC;troubleshooting
51-4121.00|0.8|field*|Welder;MIG Welder;Welder Fabricator|MIG welding;TIG welding;blueprint reading;fabrication;metal cutting
51-1011.00|0.8|field|Production Supervisor;Manufacturing Supervisor;Shift Supervisor|production planning;lean manufacturing;team leadership;safety;quality control
51-4041.00|0.6|field*|CNC Machinist;Machinist;CNC Operator|CNC programming;G-code;blueprint reading;precision measurement;lathe
51-9061.00|0.6|field*|Quality Inspector;Quality Control Inspector;QC Technician|inspection;calipers;quality control;documentation;ISO 9001
53-3032.00|1.5|field*|Truck Driver;CDL-A Truck Driver;Long Haul Truck Driver;Regional Truck Driver|CDL;safe driving;logbooks;vehicle inspection;route planning
53-7062.00|1.5|field*|Warehouse Associate;Material Handler;Picker Packer;Warehouse Worker|picking and packing;forklift;inventory;RF scanners;safety procedures
53-3033.00|1|field*|Delivery Driver;Courier;Van Driver|safe driving;route planning;customer service;package handling
53-7051.00|0.6|field*|Forklift Operator;Reach Truck Operator;Forklift Driver|forklift operation;OSHA;inventory;loading and unloading;safety procedures
53-2011.00|0.3|field|Airline Pilot;First Officer;Captain|ATP certificate;flight operations;crew resource management;aviation safety;navigation
"""

# Title suffixes that name a team or domain ("Staff Software Engineer, Payments").
TEAM_SUFFIXES: dict[str, tuple[str, ...]] = {
    "tech": (
        "Payments", "Data Platform", "Infrastructure", "Machine Learning", "Growth", "Search",
        "Identity", "Mobile", "Developer Experience", "Security", "Checkout", "Core Platform",
        "Analytics", "Cloud", "Recommendations", "Billing",
    ),
    "office": ("EMEA", "North America", "Enterprise", "SMB", "Operations", "Strategy", "Global"),
    "field": ("Night Shift", "Weekend", "Day Shift"),
}

"""Well-known real employers people name in queries ("jobs at Google", "anything but Amazon",
"not amazon dsp"). The index holds its own companies; these names let the query engine say
"no postings from Google in this index" instead of searching for the word. Written from
public lists of the largest employers and best-known brands (no data package ships one)."""

from __future__ import annotations

KNOWN_EMPLOYERS: tuple[str, ...] = (
    # technology
    "Google", "Alphabet", "Amazon", "Amazon DSP", "AWS", "Apple", "Microsoft", "Meta", "Facebook", "Instagram", "WhatsApp",
    "Netflix", "Tesla", "SpaceX", "Nvidia", "Intel", "AMD", "IBM", "Oracle", "Salesforce", "Adobe", "Cisco",
    "Uber", "Lyft", "Airbnb", "Stripe", "Shopify", "Spotify", "Twitter", "X Corp", "LinkedIn", "TikTok",
    "ByteDance", "Snap", "Snapchat", "Pinterest", "Reddit", "Dropbox", "Slack", "Zoom", "Atlassian", "OpenAI",
    "Anthropic", "Palantir", "Databricks", "Snowflake", "DoorDash", "Instacart", "PayPal", "Square", "Block",
    "Coinbase", "Robinhood", "Qualcomm", "Broadcom", "Samsung", "Sony", "Huawei", "Alibaba", "Tencent",
    "Baidu", "Infosys", "TCS", "Tata Consultancy Services", "Wipro", "HCL", "Accenture", "Capgemini",
    "Cognizant", "Deloitte", "PwC", "EY", "Ernst & Young", "KPMG", "McKinsey", "BCG", "Bain", "SAP",
    "Siemens", "Bosch", "Philips", "Ericsson", "Nokia", "Dell", "HP", "Hewlett Packard", "Lenovo", "VMware",
    "Red Hat", "GitHub", "GitLab", "Booking.com", "Expedia", "eBay", "Zalando", "Rakuten", "Grab", "Flipkart",
    "Swiggy", "Zomato", "Ola", "Paytm", "Reliance", "Jio",
    # retail, logistics, food
    "Walmart", "Target", "Costco", "Home Depot", "Lowe's", "Kroger", "Walgreens", "CVS", "Best Buy",
    "IKEA", "Aldi", "Lidl", "Tesco", "Sainsbury's", "Carrefour", "FedEx", "UPS", "DHL", "USPS", "Royal Mail",
    "Starbucks", "McDonald's", "Chipotle", "Subway", "Burger King", "KFC", "Domino's", "Taco Bell",
    "Whole Foods", "Trader Joe's", "Publix", "H-E-B", "Dollar General", "Nike", "Adidas", "Zara", "H&M",
    "Sephora", "Macy's", "Nordstrom", "Wayfair", "Chewy", "J.B. Hunt", "Schneider", "Werner", "Swift Transportation",
    # finance, health, industry, public
    "JPMorgan", "JP Morgan", "Chase", "Goldman Sachs", "Morgan Stanley", "Bank of America", "Wells Fargo",
    "Citi", "Citibank", "HSBC", "Barclays", "BlackRock", "Visa", "Mastercard", "American Express", "Capital One",
    "Fidelity", "Vanguard", "Charles Schwab", "Deutsche Bank", "UBS", "BNP Paribas", "Allianz", "AXA",
    "UnitedHealth", "Kaiser Permanente", "HCA", "Mayo Clinic", "Cleveland Clinic", "Johns Hopkins",
    "Pfizer", "Moderna", "Johnson & Johnson", "Merck", "Novartis", "Roche", "AstraZeneca", "GSK", "Bayer",
    "NHS", "Boeing", "Airbus", "Lockheed Martin", "Raytheon", "Northrop Grumman", "General Electric", "GE",
    "General Motors", "GM", "Ford", "Toyota", "Honda", "Volkswagen", "BMW", "Mercedes-Benz", "Stellantis",
    "Rivian", "Caterpillar", "3M", "Honeywell", "ExxonMobil", "Exxon", "Chevron", "Shell", "BP", "Disney",
    "Comcast", "Verizon", "AT&T", "T-Mobile", "Vodafone", "Delta", "Delta Air Lines", "United Airlines",
    "American Airlines", "Southwest", "Marriott", "Hilton", "Hyatt",
    # staffing firms (people name them to leave them out)
    "Adecco", "Randstad", "ManpowerGroup", "Manpower", "Robert Half", "Kelly Services", "Aerotek",
    "TEKsystems", "Hays", "Allegis", "Insight Global", "Aya Healthcare", "AMN Healthcare", "Cross Country",
)
# Brand names that are also ordinary words or skills: a company only after "at", "not",
# "anything but"... or in capitals mid-sentence, never bare in lower case.
AMBIGUOUS: frozenset[str] = frozenset(
    ["target", "apple", "oracle", "salesforce", "sap", "aws", "meta", "snap", "square", "block", "chase",
     "visa", "shell", "delta", "southwest", "subway", "ford", "x corp", "grab", "ola", "bain", "citi", "ge",
     "gm", "hp", "ey", "ups", "bp", "3m", "hays", "swift transportation", "schneider", "werner", "zoom",
     "slack", "amazon", "jio", "reliance", "block", "mercedes benz", "honda", "toyota", "bmw"]
)

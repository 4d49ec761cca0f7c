"""Hand-picked seed words for the vector-only type filter, plus words a replacement must never be.

Fine classes (CITY, COUNTRY, ...) let a city stay a city; COARSE maps them to NER types. OTHER holds
ordinary words that sit near names in vector space (titles, verbs, common nouns) so they lose the vote.
"""

from __future__ import annotations


def _words(block: str) -> tuple[str, ...]:
    return tuple(block.split())


SEEDS: dict[str, tuple[str, ...]] = {
    "PER": _words(
        """
        john james michael david robert william richard thomas mary elizabeth jennifer susan sarah
        mitchell smith johnson brown jones miller wilson taylor anderson clark lewis walker young
        clinton obama bush blair yeltsin putin merkel sarkozy chirac kohl mandela gandhi nehru
        singh sharma patel gupta kumar mukherjee rao reddy iyer banerjee chatterjee rahul priya amit
        ahmed hassan ali mohammed khan hussein yusuf karim omar fatima
        wang zhang li chen liu yang huang zhao wu zhou tanaka suzuki watanabe yamamoto nakamura
        kim park lee choi garcia rodriguez martinez hernandez lopez gonzalez perez sanchez ramirez
        mueller schmidt schneider fischer weber becker dubois martin bernard moreau laurent rossi
        russo ferrari bianchi ivanov petrov smirnov kuznetsov popov nowak kowalski
        beckham federer nadal agassi sampras tendulkar dravid ganguly kapil pele maradona jordan
        """
    ),
    "CITY": _words(
        """
        paris london berlin madrid rome vienna moscow tokyo beijing shanghai seoul bangkok jakarta
        manila sydney melbourne toronto montreal vancouver chicago boston houston dallas seattle
        atlanta denver miami detroit philadelphia phoenix delhi mumbai kolkata bangalore chennai
        hyderabad pune ahmedabad lucknow jaipur karachi lahore dhaka kathmandu colombo istanbul
        cairo nairobi lagos johannesburg casablanca tehran baghdad riyadh dubai jerusalem
        amsterdam brussels lisbon athens warsaw prague budapest stockholm oslo copenhagen helsinki
        dublin edinburgh manchester liverpool birmingham milan naples munich hamburg frankfurt
        lyon marseille barcelona seville osaka kyoto hanoi taipei singapore lima bogota caracas
        santiago havana
        """
    ),
    "COUNTRY": _words(
        """
        france germany italy spain portugal britain england scotland ireland russia ukraine poland
        china japan korea vietnam thailand indonesia malaysia philippines pakistan bangladesh nepal
        afghanistan iran iraq syria turkey egypt israel jordan lebanon kenya nigeria ethiopia ghana
        brazil argentina chile peru colombia venezuela mexico canada australia zealand sweden
        norway denmark finland netherlands belgium switzerland austria greece hungary romania
        bulgaria serbia croatia cuba morocco algeria tunisia libya sudan somalia zimbabwe zambia
        texas california florida ohio virginia georgia bavaria punjab kerala gujarat bengal
        maharashtra kashmir bihar tamil karnataka
        """
    ),
    "ORG": _words(
        """
        microsoft google apple ibm intel oracle amazon facebook yahoo cisco nokia samsung sony
        toyota honda nissan ford chrysler boeing airbus siemens philips unilever nestle exxon
        chevron shell bp citigroup barclays hsbc goldman morgan jpmorgan walmart reuters bbc cnn
        nasa fbi cia pentagon unesco unicef nato opec interpol greenpeace fifa uefa ioc
        infosys wipro tata reliance bharti mahindra hdfc icici airtel isro bjp
        toshiba hitachi panasonic mitsubishi volkswagen bmw daimler renault peugeot fiat
        gazprom lukoil aeroflot lufthansa qantas ericsson vodafone motorola dell compaq
        """
    ),
    "NORP": _words(
        """
        american british french chinese israeli russian german japanese indian australian canadian
        italian korean arab spanish muslim palestinian african european asian islamic turkish mexican
        pakistani iraqi iranian afghan egyptian greek polish dutch swedish irish scottish brazilian
        hindu christian jewish catholic sikh buddhist hindi urdu english arabic bengali
        """
    ),
    "OTHER": _words(
        """
        the of and to in for on with from by at about after before into over under between
        is was are were be been has had have do does did will would could should may might must
        said says told asked added called made took came went brought succeeded travelling
        government capital city country state nation president minister king queen lord sir prince
        company firm bank group party team club league market office agency council ministry
        people man woman men women children family friend father mother son daughter brother
        year years day week month time today yesterday tomorrow morning night season
        new old big small large great good bad high low long short early late first last next
        north south east west northern southern eastern western central capital region area
        water food money oil gas power war peace police army court law trade business industry
        school university hospital church street road river island mountain village town
        controls effectively bringing general chief head leader member official spokesman
        red blue green black white music film book game song player coach star fan

        campaign senate presidential republican republicans democrats champion attorney speech debate
        contributed lawmakers comments criticism agent center centre summit bomb bombing bombings visiting
        theatre palace exhibition striker car cars internet computer computers software microprocessors
        aircraft web intelligence phone online plane mail analyst securities documents airlines airline
        engine digital windows flights mobile website users auto models maker planes passenger satellite
        networks motor file fleet economist applications bankruptcy equity formula county republic
        nuclear attacks weapons rebels europe asia africa unpopular bowled provincial pradesh
        yen ringgit rupees rupee dollar dollars euro pounds currency stock stocks shares index prices
        election vote voters parliament congress cabinet policy reform crisis protest rally troops
        soldiers military forces attack killed wounded violence security border province district
        match goal goals win won lost cup final tournament championship stadium victory defeat draw
        newspaper television radio magazine news report reports media press journalist reporter
        economy growth inflation budget tax profit loss sales revenue investors exports imports
        oil energy prices trade deal agreement talks meeting conference visit tour trip mission
        airport port station hotel museum temple mosque cathedral bridge tower square park
        mr. mrs. dr. jr. sen. rep. gov. st. inc. corp. ltd. co. gen. col. capt. lt. prof.
        de la le el van von der del al bin ibn sir aides bowled batsman bowler captain
        """
    ),
}

COARSE: dict[str, str] = {
    "PER": "PER",
    "CITY": "LOC",
    "COUNTRY": "LOC",
    "ORG": "ORG",
    "NORP": "OTHER",
    "OTHER": "OTHER",
}

STOP_WORDS: frozenset[str] = frozenset(
    _words(
        """
    a an the and or but if then else of to in on at by for with from about as into onto over under
    up down out off than so such no not nor only own same too very can will just don should now
    i me my we our you your he him his she her it its they them their what which who whom this that
    these those am is are was were be been being have has had do does did would could may might must
    mr mrs ms dr st jr sr inc ltd co corp
    """
    )
)
